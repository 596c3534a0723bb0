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
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/main_window.py" line="265" />
        <source>Logged in as {name}.</source>
        <extracomment>The agent chose Log out. The agent closed the window or chose Quit. The agent picked a UI language ("" follows the system).</extracomment>
        <translation>已以 {name} 的身份登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="281" />
        <source>Connection lost; reconnecting to the edge server…</source>
        <translation>连接已断开，正在重新连接边缘服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="284" />
        <source>Connection restored.</source>
        <translation>连接已恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="296" />
        <source>You were logged out by the edge server: {reason}</source>
        <translation>边缘服务器已将您登出：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="300" />
        <source>{what} failed: {why}</source>
        <translation>{what}失败：{why}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="411" />
        <source>Switchboard – {name}</source>
        <translation>Switchboard – {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="412" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="414" />
        <source>&amp;Switchboard</source>
        <translation>Switchboard(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="415" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="416" />
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="417" />
        <source>Log &amp;out</source>
        <translation>登出(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="418" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="419" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="421" />
        <location filename="../../desktop/main_window.py" line="478" />
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="423" />
        <location filename="../../desktop/main_window.py" line="473" />
        <source>Agents</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="424" />
        <location filename="../../desktop/main_window.py" line="474" />
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="433" />
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="435" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="436" />
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="450" />
        <source>Your desktop lost its connection to the edge server, so you were set to Not Ready and no work was offered to you. Choose Ready when you are back.</source>
        <translation>您的桌面与边缘服务器的连接曾中断，因此您已被置为“示忙”，期间不会为您分配工作。回到座位后请选择“示闲”。</translation>
    </message>
</context>
<context>
    <name>OfferStack</name>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="165" />
        <source>Offer withdrawn: {customer} – {reason}</source>
        <extracomment>A line for the status bar (an offer withdrawn or run out). An offer's card went away for any reason (answered, withdrawn, run out): offer_id. An invite was accepted and the edge sent the interaction: InteractionDetail.</extracomment>
        <translation>分配已撤回：{customer} – {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="189" />
        <source>Accepting…</source>
        <translation>正在接受…</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="207" />
        <source>The offer from {customer} was not answered in time.</source>
        <translation>{customer} 的分配未在时限内应答。</translation>
    </message>
</context>
<context>
    <name>OfferToast</name>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="140" />
        <source>{seconds} s</source>
        <extracomment>Shortcuts the main window binds application-wide; shown on the buttons' tooltips. Below this the countdown turns red: the agent has a few seconds left to react. Accept was clicked: offer_id. Decline was clicked: offer_id.</extracomment>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="181" />
        <source>{queue} · {channel}</source>
        <translation>{queue} · {channel}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="185" />
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="186" />
        <source>Priority {priority}</source>
        <translation>优先级 {priority}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="188" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="190" />
        <source>Accept ({keys})</source>
        <translation>接受（{keys}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="192" />
        <source>Decline</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="194" />
        <source>Decline ({keys})</source>
        <translation>拒绝（{keys}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="197" />
        <source>Offer: {customer}, {queue}</source>
        <translation>新分配：{customer}，{queue}</translation>
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
    <name>TaskView</name>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="193" />
        <source>VIP</source>
        <extracomment>The agent finished the task: task_id. The agent put away a task that ended without wrap-up: task_id. The wrap-up panel submitted: (task_id, code, notes).</extracomment>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="194" />
        <source>Priority {priority}</source>
        <translation>优先级 {priority}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="198" />
        <source>Outbound</source>
        <translation>外呼</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="206" />
        <source>Time since the task was assigned to you</source>
        <translation>任务分配给您以来的时间</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="208" />
        <source>Complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="209" />
        <source>The work with the customer is done; wrap-up may follow</source>
        <translation>与客户的工作已完成；之后可能进入话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="210" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="211" />
        <source>Remove this finished task from your list</source>
        <translation>从列表中移除这个已结束的任务</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="221" />
        <source>Ended:</source>
        <translation>结束原因：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="223" />
        <source>Customer ID:</source>
        <translation>客户编号：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="225" />
        <source>Waited:</source>
        <translation>等待时长：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="226" />
        <source>Task:</source>
        <translation>任务：</translation>
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
        <location filename="../../desktop/workspace/work_model.py" line="92" />
        <source>Active</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="94" />
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="96" />
        <source>Wrap-up</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="99" />
        <source>Ended: {reason}</source>
        <translation>已结束：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="102" />
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="293" />
        <source>{customer}, {queue}, {state}, {time}</source>
        <extracomment>How a row finds its conversation (unread, waiting since); set by the work list. Service-level target per queue id, in seconds (from queue statuses when the agent gets them).</extracomment>
        <translation>{customer}，{queue}，{state}，{time}</translation>
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
        <location filename="../../desktop/workspace/work_list.py" line="505" />
        <source>My work ({count})</source>
        <extracomment>Ctrl+1 .. Ctrl+9 select the first nine tasks. The number of tasks changed (the workspace shows its empty page at 0). The selected row changed: its WorkItem, or None (the screen-pop follows it). A line for the status bar (from a chat view).</extracomment>
        <translation>我的工作（{count}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_list.py" line="508" />
        <source>Accept the offer to start working on it.</source>
        <translation>接受分配后即可开始处理。</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_list.py" line="510" />
        <source>Select a task to see it here.</source>
        <translation>选择一个任务，在这里查看详情。</translation>
    </message>
</context>
<context>
    <name>WorkspaceArea</name>
    <message>
        <location filename="../../desktop/workspace/area.py" line="96" />
        <source>No interactions</source>
        <translation>暂无交互</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/area.py" line="97" />
        <source>Calls, chats and emails offered to you will appear here.</source>
        <translation>分配给您的来电、聊天和邮件将显示在这里。</translation>
    </message>
</context>
</TS>