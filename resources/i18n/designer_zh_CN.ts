<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>BindingsDialog</name>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="33" />
        <source>Web chat</source>
        <extracomment>The web widget's default entry point exists on every site, even when the catalog omits it.</extracomment>
        <translation>网页聊天</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="34" />
        <source>Phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="35" />
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="36" />
        <source>WeCom</source>
        <translation>企业微信</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="37" />
        <source>Weibo</source>
        <translation>微博</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="38" />
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="39" />
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="40" />
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="52" />
        <source>Bindings</source>
        <translation>绑定</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="61" />
        <source>Only designs with a live revision can be bound; a change takes effect at once for new interactions.</source>
        <translation>只有已有生效版本的设计才能绑定；修改立即对新的会话生效。</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="66" />
        <source>Entry point / queue</source>
        <translation>入口 / 队列</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="66" />
        <source>Design</source>
        <translation>设计</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="87" />
        <source>The edge refused: {message}</source>
        <translation>服务器拒绝：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="98" />
        <source>The binding was not changed: {message}</source>
        <translation>绑定未修改：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="101" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="132" />
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../designer/bindings_dialog.py" line="134" />
        <source>{name} (revision {n})</source>
        <translation>{name}（版本 {n}）</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="17" />
        <source>Someone else saved “{name}”</source>
        <translation>其他人保存了“{name}”</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="18" />
        <source>someone</source>
        <translation>某人</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="19" />
        <source>just now</source>
        <translation>刚才</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="20" />
        <source>{who} saved version {version} of “{name}” at {when}, after you opened it.</source>
        <translation>在您打开之后，{who} 于 {when} 保存了“{name}”的第 {version} 版。</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="23" />
        <source>Your changes were not saved. Reload their version (your changes are discarded), or save yours as a new copy of the design.</source>
        <translation>您的修改尚未保存。可以重新加载对方的版本（放弃您的修改），或将您的版本另存为新的设计副本。</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="25" />
        <source>&amp;Reload theirs</source>
        <translation>重新加载对方版本(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="27" />
        <source>Save mine as a &amp;copy</source>
        <translation>将我的版本另存为副本(&amp;C)</translation>
    </message>
</context>
<context>
    <name>DesignBrowser</name>
    <message>
        <location filename="../../designer/browser.py" line="104" />
        <source>Flow</source>
        <translation>流程</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="104" />
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="105" />
        <source>unpublished changes</source>
        <translation>有未发布的修改</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="110" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="141" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="141" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="141" />
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="141" />
        <source>Live</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="141" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="142" />
        <source>Updated by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="142" />
        <source>Updated at</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="144" />
        <source>Designs</source>
        <translation>设计</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="145" />
        <source>New flow…</source>
        <translation>新建流程…</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="146" />
        <source>New form…</source>
        <translation>新建表单…</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="147" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../designer/browser.py" line="148" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>DesignerController</name>
    <message>
        <location filename="../../designer/controller.py" line="106" />
        <source>The designer is for supervisors and administrators. Log in with a supervisor account.</source>
        <translation>设计器仅供班长和管理员使用。请使用班长账号登录。</translation>
    </message>
    <message>
        <location filename="../../designer/controller.py" line="114" />
        <source>The login failed.</source>
        <translation>登录失败。</translation>
    </message>
</context>
<context>
    <name>DesignerWindow</name>
    <message>
        <location filename="../../designer/main_window.py" line="234" />
        <source>Switchboard Designer</source>
        <extracomment>The supervisor picked a UI language ("en", "zh_CN"); the controller installs it. A tab was opened, saved, published... (tests and the status bar follow it): a short English tag. What documents may refer to; None until the edge sent it (validation then skips reference checks rather than calling every queue unknown).</extracomment>
        <translation>Switchboard 设计器</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="235" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="236" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="237" />
        <source>&amp;Design</source>
        <translation>设计(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="238" />
        <source>&amp;Simulate</source>
        <translation>模拟(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="239" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="240" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="242" />
        <source>New &amp;flow…</source>
        <translation>新建流程(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="243" />
        <source>New f&amp;orm…</source>
        <translation>新建表单(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="244" />
        <source>&amp;Open selected</source>
        <translation>打开所选(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="245" />
        <source>&amp;Refresh list</source>
        <translation>刷新列表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="246" />
        <source>&amp;Save draft</source>
        <translation>保存草稿(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="247" />
        <source>&amp;Close tab</source>
        <translation>关闭标签页(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="248" />
        <source>Log &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="249" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="250" />
        <source>&amp;Validate now</source>
        <translation>立即校验(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="251" />
        <source>&amp;Publish…</source>
        <translation>发布(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="252" />
        <source>&amp;History…</source>
        <translation>历史(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="253" />
        <source>&amp;Bindings…</source>
        <translation>绑定(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="254" />
        <source>Refresh queues and &amp;skills</source>
        <translation>刷新队列和技能(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="255" />
        <source>&amp;Run simulation</source>
        <translation>运行模拟(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="256" />
        <source>&amp;Step</source>
        <translation>单步(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="257" />
        <source>Run &amp;all test cases</source>
        <translation>运行全部测试用例(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="258" />
        <source>Run test cases on the &amp;edge</source>
        <translation>在服务器上运行测试用例(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="259" />
        <source>Go to &amp;problems</source>
        <translation>转到问题(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="260" />
        <source>Go to &amp;documents</source>
        <translation>转到文档(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="264" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="265" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="266" />
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="268" />
        <source>Undo history</source>
        <translation>撤销历史</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="269" />
        <source>Simulation</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="270" />
        <source>&lt;opened&gt;</source>
        <translation>&lt;已打开&gt;</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="308" />
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="310" />
        <source>Edge: {edge} · User: {user}</source>
        <translation>服务器：{edge} · 用户：{user}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="422" />
        <source>The list of designs could not be loaded: {message}</source>
        <translation>无法加载设计列表：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="434" />
        <source>Queues and skills could not be loaded: {message}</source>
        <translation>无法加载队列和技能：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="459" />
        <source>The design could not be opened: {message}</source>
        <translation>无法打开设计：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="494" />
        <location filename="../../designer/main_window.py" line="532" />
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="494" />
        <source>The draft was not saved: {message}</source>
        <translation>草稿未保存：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="499" />
        <source>Saved “{name}” as draft {version}.</source>
        <translation>已将“{name}”保存为草稿第 {version} 版。</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="524" />
        <source>Reloaded their version of “{name}”.</source>
        <translation>已重新加载“{name}”的对方版本。</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="528" />
        <source> (copy)</source>
        <translation>（副本）</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="532" />
        <source>The copy was not saved: {message}</source>
        <translation>副本未保存：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="537" />
        <source>Saved your version as “{name}”.</source>
        <translation>已将您的版本保存为“{name}”。</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="562" />
        <source>Not published</source>
        <translation>未发布</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="562" />
        <source>The edge did not publish: {message}</source>
        <translation>服务器未发布：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="565" />
        <source>Published “{name}” as revision {n}{live}.</source>
        <translation>已将“{name}”发布为版本 {n}{live}。</translation>
    </message>
    <message>
        <location filename="../../designer/main_window.py" line="566" />
        <source> (live)</source>
        <translation>（已生效）</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../designer/history_dialog.py" line="38" />
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="39" />
        <source>removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="40" />
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="41" />
        <source>rewired</source>
        <translation>重新连线</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="42" />
        <source>moved</source>
        <translation>移动</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="56" />
        <source>History of “{name}”</source>
        <extracomment>The live revision changed (rollback or roll forward); carries the new number.</extracomment>
        <translation>“{name}”的历史</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="67" />
        <source>Revision</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="67" />
        <source>Live</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="67" />
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="67" />
        <source>By</source>
        <translation>发布人</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="67" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="74" />
        <source>&amp;Compare</source>
        <translation>比较(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="76" />
        <source>Make &amp;live</source>
        <translation>设为生效(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="78" />
        <source>Point live at the selected revision (rollback)</source>
        <translation>将生效版本指向所选版本（回滚）</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="83" />
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="83" />
        <source>Element</source>
        <translation>元素</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="83" />
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="92" />
        <source>&amp;From:</source>
        <translation>从(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="94" />
        <source>&amp;To:</source>
        <translation>到(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="140" />
        <source>the draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="141" />
        <source>{count} changes from revision {a} to {b}.</source>
        <translation>从版本 {a} 到 {b} 共 {count} 处变更。</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="148" />
        <source>Make revision {n} live?</source>
        <translation>将版本 {n} 设为生效？</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="149" />
        <source>New interactions will run revision {n}; those in progress finish on theirs.</source>
        <translation>新的会话将运行版本 {n}；进行中的会话按原版本完成。</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="151" />
        <source>Make live</source>
        <translation>设为生效</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="160" />
        <source>Revision {n} is live.</source>
        <translation>版本 {n} 已生效。</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="183" />
        <source>live</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="189" />
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="191" />
        <location filename="../../designer/history_dialog.py" line="192" />
        <source>Revision {n}</source>
        <translation>版本 {n}</translation>
    </message>
    <message>
        <location filename="../../designer/history_dialog.py" line="208" />
        <source>The edge refused: {message}</source>
        <translation>服务器拒绝：{message}</translation>
    </message>
</context>
<context>
    <name>NewDesignDialog</name>
    <message>
        <location filename="../../designer/new_dialog.py" line="18" />
        <source>Chat (web chat, WeChat, SMS…)</source>
        <translation>文字（网页聊天、微信、短信…）</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="19" />
        <source>Voice (IVR)</source>
        <translation>语音（IVR）</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="20" />
        <source>Any channel</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="27" />
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="29" />
        <source>&amp;Channel:</source>
        <translation>渠道(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="33" />
        <source>New flow</source>
        <translation>新建流程</translation>
    </message>
    <message>
        <location filename="../../designer/new_dialog.py" line="33" />
        <source>New form</source>
        <translation>新建表单</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../designer/problems.py" line="68" />
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="69" />
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="70" />
        <source>Info</source>
        <translation>提示</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <location filename="../../designer/problems.py" line="105" />
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="106" />
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="107" />
        <source>Element</source>
        <translation>元素</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="108" />
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="179" />
        <location filename="../../designer/problems.py" line="197" />
        <source>Problems</source>
        <extracomment>The element id of the activated problem ("" = the document itself). The dock title changed (counts).</extracomment>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="180" />
        <source>Problems ({errors} errors, {warnings} warnings)</source>
        <translation>问题（{errors} 个错误，{warnings} 个警告）</translation>
    </message>
    <message>
        <location filename="../../designer/problems.py" line="126" />
        <source>(document)</source>
        <translation>（文档）</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <location filename="../../designer/publish_dialog.py" line="28" />
        <source>Publish “{name}”</source>
        <translation>发布“{name}”</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="35" />
        <source>Draft {version} has {errors} errors and {warnings} warnings. Errors block publishing: fix them first (the Problems panel lists them).</source>
        <translation>草稿第 {version} 版有 {errors} 个错误和 {warnings} 个警告。有错误时不能发布：请先修正（问题面板中列出）。</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="40" />
        <source>Draft {version} has {warnings} warnings. You may publish; check them first.</source>
        <translation>草稿第 {version} 版有 {warnings} 个警告。可以发布，请先检查。</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="43" />
        <source>Draft {version} has no problems.</source>
        <translation>草稿第 {version} 版没有问题。</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="54" />
        <source>What changed, and why (required)</source>
        <translation>修改了什么、为什么（必填）</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="56" />
        <source>&amp;Message:</source>
        <translation>说明(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="58" />
        <source>Make &amp;live (new interactions use this revision)</source>
        <translation>设为生效(&amp;L)（新的会话使用此版本）</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="62" />
        <source>&amp;Publish</source>
        <translation>发布(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="87" />
        <source>Fix the errors first</source>
        <translation>请先修正错误</translation>
    </message>
    <message>
        <location filename="../../designer/publish_dialog.py" line="89" />
        <source>Write a message first</source>
        <translation>请先填写说明</translation>
    </message>
</context>
<context>
    <name>SimulationPanel</name>
    <message>
        <location filename="../../designer/simulation.py" line="65" />
        <source>running</source>
        <extracomment>Time between two steps of the animated trace.</extracomment>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="66" />
        <source>routed to a queue</source>
        <translation>已转入队列</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="67" />
        <source>transferred</source>
        <translation>已转接</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="68" />
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="69" />
        <source>customer left</source>
        <translation>客户已离开</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="70" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="254" />
        <source>Contact</source>
        <extracomment>The animated trace finished (or Step reached the end); carries the result. "Run all" finished: test id -&gt; passed. "Run on edge" finished: test id -&gt; passed (missing: the edge refused; see the status line).</extracomment>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="258" />
        <source>Cha&amp;nnel:</source>
        <translation>渠道(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="258" />
        <source>&amp;From:</source>
        <translation>从(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="258" />
        <source>Na&amp;me:</source>
        <translation>姓名(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="259" />
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="265" />
        <source>What the customer types or presses, one line each, in order</source>
        <translation>客户依次输入或按键的内容，每行一条</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="259" />
        <source>Customer &amp;inputs:</source>
        <translation>客户输入(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="266" />
        <source>Customer lookup &amp;finds a customer</source>
        <translation>客户识别能找到客户(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="255" />
        <source>Mocks</source>
        <translation>模拟数据</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="260" />
        <source>HTTP answers:</source>
        <translation>HTTP 响应：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="260" />
        <source>&amp;Now:</source>
        <translation>当前时间(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="260" />
        <source>&amp;Routing:</source>
        <translation>转队列(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="256" />
        <source>Test cases</source>
        <translation>测试用例</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="261" />
        <source>Transcript:</source>
        <translation>对话记录：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="261" />
        <source>Variables:</source>
        <translation>变量：</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="267" />
        <source>&amp;Run (F9)</source>
        <translation>运行(&amp;R) (F9)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="268" />
        <source>&amp;Step (F10)</source>
        <translation>单步(&amp;S) (F10)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="269" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="270" />
        <source>Save as &amp;test case</source>
        <translation>保存为测试用例(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="271" />
        <source>Test case name</source>
        <translation>测试用例名称</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="272" />
        <source>Run &amp;all</source>
        <translation>全部运行(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="273" />
        <source>Run on &amp;edge</source>
        <translation>在服务器上运行(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="274" />
        <source>an agent takes it</source>
        <translation>有坐席接听</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="275" />
        <source>queue unavailable</source>
        <translation>队列不可用</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="276" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="276" />
        <location filename="../../designer/simulation.py" line="279" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="278" />
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="278" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="278" />
        <source>JSON body</source>
        <translation>JSON 响应体</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="278" />
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="279" />
        <source>Variable</source>
        <translation>变量</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="366" />
        <source>Simulation</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="380" />
        <source>The simulation crashed: {error}</source>
        <translation>模拟出错：{error}</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="443" />
        <source>Step {n} of {total}: {type}</source>
        <translation>第 {n}/{total} 步：{type}</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="461" />
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="461" />
        <source>FAILED</source>
        <translation>未通过</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="462" />
        <source>Outcome: {outcome} after {steps} steps — {verdict}</source>
        <translation>结果：{steps} 步后{outcome} — {verdict}</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="479" />
        <source>Test {n}</source>
        <translation>测试 {n}</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="510" />
        <source>{passed} of {total} test cases passed.</source>
        <translation>{total} 个测试用例中 {passed} 个通过。</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="526" />
        <source>The edge refused: {message}</source>
        <translation>服务器拒绝：{message}</translation>
    </message>
    <message>
        <location filename="../../designer/simulation.py" line="531" />
        <source>On the edge: {passed} of {total} test cases passed.</source>
        <translation>服务器上：{total} 个测试用例中 {passed} 个通过。</translation>
    </message>
</context>
<context>
    <name>UnsavedDialog</name>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="49" />
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <location filename="../../designer/conflict_dialog.py" line="50" />
        <source>“{name}” has unsaved changes. Save them as the draft?</source>
        <translation>“{name}”有未保存的修改。保存为草稿吗？</translation>
    </message>
</context>
</TS>