<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>CannedPicker</name>
        <message>
            <location filename="../../desktop/workspace/canned_picker.py" line="125" />
            <source>Canned responses: ↑↓ choose, Enter insert, Esc close</source>
            <translation>快捷回复：↑↓ 选择，Enter 插入，Esc 关闭</translation>
        </message>
    </context>
    <context>
        <name>Chat</name>
        <message>
            <location filename="../../desktop/workspace/attachment_rules.py" line="46" />
            <source>{name} cannot be read: {error}</source>
            <extracomment>Extensions mapped by hand: mimetypes depends on the OS's tables, these must not.</extracomment>
            <translation>无法读取 {name}：{error}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/attachment_rules.py" line="49" />
            <source>{name} is not a file.</source>
            <translation>{name} 不是文件。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/attachment_rules.py" line="52" />
            <source>{name}: only PNG, JPEG, GIF, PDF and text files can be sent.</source>
            <translation>{name}：只能发送 PNG、JPEG、GIF、PDF 和文本文件。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/attachment_rules.py" line="55" />
            <source>{name} is larger than {limit} MB.</source>
            <translation>{name} 超过 {limit} MB。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/attachment_rules.py" line="59" />
            <source>{name} is empty.</source>
            <translation>{name} 是空文件。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="126" />
            <location filename="../../desktop/workspace/transcript_delegate.py" line="264" />
            <source>Uploading {name}…</source>
            <translation>正在上传 {name}…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="178" />
            <source>Customer</source>
            <translation>客户</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="182" />
            <source>Internal note</source>
            <translation>内部备注</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="185" />
            <source>Sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="192" />
            <source>Not sent – click to retry</source>
            <translation>未发送 – 点击重试</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="197" />
            <source>Sending</source>
            <translation>发送中</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="197" />
            <source>Sent</source>
            <translation>已发送</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="197" />
            <source>Delivered</source>
            <translation>已送达</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="197" />
            <source>Read</source>
            <translation>已读</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/transcript_delegate.py" line="197" />
            <source>Not delivered: {reason}</source>
            <translation>未送达：{reason}</translation>
        </message>
    </context>
    <context>
        <name>ChatView</name>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="356" />
            <source>{customer} is typing…</source>
            <extracomment>Where downloads go and how they are opened; tests replace both.</extracomment>
            <translation>{customer} 正在输入…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="392" />
            <source>Attach files</source>
            <translation>添加附件</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="392" />
            <source>Images, PDF and text (*.png *.jpg *.jpeg *.gif *.pdf *.txt)</source>
            <translation>图片、PDF 和文本 (*.png *.jpg *.jpeg *.gif *.pdf *.txt)</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="446" />
            <source>{name} could not be uploaded.</source>
            <translation>{name} 上传失败。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="457" />
            <source>{name} could not be downloaded.</source>
            <translation>{name} 下载失败。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="465" />
            <source>Saved to {path}</source>
            <translation>已保存到 {path}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="476" />
            <source>Transferred to {target}.</source>
            <translation>已转接给 {target}。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="480" />
            <source>Invitation sent to {agent}.</source>
            <translation>已向 {agent} 发送邀请。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="500" />
            <source>Transfer</source>
            <translation>转接</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="501" />
            <source>Hand the chat to a queue or an agent</source>
            <translation>将会话转给队列或坐席</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="502" />
            <source>Consult</source>
            <translation>咨询</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="503" />
            <source>Ask another agent in: they see the chat and write internal notes</source>
            <translation>请另一位坐席加入：对方可查看会话并写内部备注</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="504" />
            <source>Conference</source>
            <translation>会议</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="505" />
            <source>Bring another agent in: they write to the customer too</source>
            <translation>请另一位坐席加入：对方也可以回复客户</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="506" />
            <source>Leave</source>
            <translation>离开</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="507" />
            <source>End chat</source>
            <translation>结束会话</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="508" />
            <source>Close the chat for the customer; wrap-up follows</source>
            <translation>为客户结束会话，随后进行话后整理</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="509" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="510" />
            <source>Time since the chat was assigned to you</source>
            <translation>会话分配给您以来的时间</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="519" />
            <source>● offline</source>
            <translation>● 离线</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/chat_view.py" line="520" />
            <source>The customer closed the chat page or lost the connection</source>
            <translation>客户已关闭聊天页面或连接中断</translation>
        </message>
    </context>
    <context>
        <name>CommandPalette</name>
        <message>
            <location filename="../../desktop/workspace/command_palette.py" line="134" />
            <source>Type a command, a customer's name…  (Esc closes)</source>
            <translation>输入命令或客户姓名…（Esc 关闭）</translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="0" />
            <source>The channel no longer accepts replies: write a note or use another channel</source>
            <translation>该渠道已不再接受回复：请写内部备注或改用其他渠道</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="0" />
            <source>{count} characters left</source>
            <translation>还可输入 {count} 个字</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="0" />
            <source>replies until {time}</source>
            <translation>可回复至 {time}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="0" />
            <source>{count} replies left</source>
            <translation>还可回复 {count} 条</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="179" />
            <source>Internal note: seen by agents only</source>
            <translation>内部备注：仅坐席可见</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="182" />
            <source>Type a reply – Enter sends, Shift+Enter new line, / canned responses</source>
            <translation>输入回复 – Enter 发送，Shift+Enter 换行，/ 快捷回复</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="183" />
            <source>Internal note</source>
            <translation>内部备注</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="184" />
            <source>Write an internal note, not sent to the customer ({keys})</source>
            <translation>写内部备注，不发送给客户（{keys}）</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="186" />
            <source>Emoji</source>
            <translation>表情</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="188" />
            <source>Attach…</source>
            <translation>附件…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="189" />
            <source>Attach a file (PNG, JPEG, GIF, PDF or text, up to 10 MB)</source>
            <translation>添加附件（PNG、JPEG、GIF、PDF 或文本，最大 10 MB）</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="190" />
            <source>Send note</source>
            <translation>保存备注</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/composer.py" line="190" />
            <source>Send</source>
            <translation>发送</translation>
        </message>
    </context>
    <context>
        <name>InviteToast</name>
        <message>
            <location filename="../../desktop/workspace/invite_toast.py" line="89" />
            <source>{agent} invites you to a conference</source>
            <translation>{agent} 邀请您加入会议</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/invite_toast.py" line="91" />
            <source>{agent} asks you to consult</source>
            <translation>{agent} 请您协助咨询</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/invite_toast.py" line="94" />
            <source>Join</source>
            <translation>加入</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/invite_toast.py" line="95" />
            <source>Decline</source>
            <translation>拒绝</translation>
        </message>
    </context>
    <context>
        <name>Palette</name>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="42" />
            <source>Go to {customer} ({channel}, {queue})</source>
            <translation>切换到 {customer}（{channel}，{queue}）</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="48" />
            <source>Set state: {state}</source>
            <translation>设置状态：{state}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="52" />
            <source>Set state: {state} – {reason}</source>
            <translation>设置状态：{state} – {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="58" />
            <source>Insert a canned response</source>
            <translation>插入快捷回复</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="61" />
            <source>Transfer this chat…</source>
            <translation>转接此会话…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="63" />
            <source>Consult an agent…</source>
            <translation>咨询坐席…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="65" />
            <source>End this chat</source>
            <translation>结束此会话</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="69" />
            <source>Search customers…</source>
            <translation>搜索客户…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="71" />
            <source>Switch language (English / 中文)</source>
            <translation>切换语言（English / 中文）</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/palette_commands.py" line="73" />
            <source>Log out</source>
            <translation>退出登录</translation>
        </message>
    </context>
    <context>
        <name>TargetPicker</name>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="98" />
            <source>Loading…</source>
            <translation>加载中…</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="110" />
            <source>{queue} — {waiting} waiting · EWT {ewt} · {ready} ready</source>
            <translation>{queue} — {waiting} 人等待 · 预计等待 {ewt} · {ready} 人示闲</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="113" />
            <source>{queue} — closed</source>
            <translation>{queue} — 已关闭</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="121" />
            <source>{agent} — {state}</source>
            <translation>{agent} — {state}</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="157" />
            <source>The list of targets could not be loaded.</source>
            <translation>无法加载转接目标列表。</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="188" />
            <source>Transfer chat</source>
            <translation>转接会话</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="189" />
            <source>Consult an agent</source>
            <translation>咨询坐席</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="190" />
            <source>Invite to conference</source>
            <translation>邀请加入会议</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="193" />
            <source>Search queues and agents</source>
            <translation>搜索队列和坐席</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="194" />
            <source>Queues</source>
            <translation>队列</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="195" />
            <source>Agents</source>
            <translation>坐席</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="196" />
            <source>Note for the other agent (internal)</source>
            <translation>给对方坐席的备注（内部）</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="198" />
            <source>Transfer</source>
            <translation>转接</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="199" />
            <source>Consult</source>
            <translation>咨询</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="200" />
            <source>Invite</source>
            <translation>邀请</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/target_picker.py" line="203" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>TranscriptView</name>
        <message>
            <location filename="../../desktop/workspace/transcript_view.py" line="70" />
            <source>Copy text</source>
            <translation>复制文本</translation>
        </message>
    </context>
    <context>
        <name>Work</name>
        <message>
            <location filename="../../desktop/workspace/work_model.py" line="90" />
            <source>Ringing</source>
            <extracomment>Role giving the row's WorkItem. Role giving the row's task id. Role giving the row's unread count (messages from others past the read mark). Role giving the row's (ms, SlaLevel) timer. The service-level target when the queue's own is not known (QueueStatus's default). Ringing at this agent: shown with its countdown until accepted, declined or gone. The agent completed it and the edge agreed; wrap-up may still follow. The other side ended it (customer hung up, supervisor cancelled). Known by id only: a wrap-up or end push overtook the assignment it belongs to. Ringing offer (phase OFFERED): its expiry drives the row's countdown. This agent consults/conferences on someone else's interaction (no routing task of its own).</extracomment>
            <translation>振铃中</translation>
        </message>
        <message>
            <location filename="../../desktop/workspace/work_model.py" line="299" />
            <source>, {count} unread</source>
            <translation>，{count} 条未读</translation>
        </message>
    </context>
    <context>
        <name>WorkList</name>
        <message>
            <location filename="../../desktop/workspace/work_list.py" line="508" />
            <source>Accept the offer to start working on it.</source>
            <translation>接受分配后即可开始处理。</translation>
        </message>
    </context>
</TS>
