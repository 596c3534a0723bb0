<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AgentBoard</name>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="160"/>
        <source>Force Ready</source>
        <translation>强制示闲</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="165"/>
        <location filename="../../desktop/supervisor/agent_board.py" line="174"/>
        <source>Force Not Ready</source>
        <translation>强制示忙</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="178"/>
        <location filename="../../desktop/supervisor/agent_board.py" line="235"/>
        <source>Force log out</source>
        <translation>强制登出</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="236"/>
        <source>Log {name} out? Work offered to them goes back to the queue.</source>
        <translation>要将 {name} 登出吗？已分配给其的工作将退回队列。</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="242"/>
        <source>{shown} of {total} agents</source>
        <translation>显示 {shown} / 共 {total} 名坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="248"/>
        <source>Filter by name, team or reason</source>
        <translation>按姓名、团队或原因筛选</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="249"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_board.py" line="253"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
</context>
<context>
    <name>AgentTableModel</name>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="120"/>
        <source>Agent</source>
        <extracomment>Role giving a value that sorts naturally (numbers for times, rank for states). Role giving the row&apos;s username. Role giving the row&apos;s AgentStatus.</extracomment>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="122"/>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="124"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="126"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="128"/>
        <source>Time in state</source>
        <translation>状态时长</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="130"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="175"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/agent_model.py" line="176"/>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Channels</name>
    <message>
        <location filename="../../desktop/texts.py" line="152"/>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="154"/>
        <source>Chat</source>
        <translation>在线聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="156"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="158"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="160"/>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="162"/>
        <source>Weibo</source>
        <translation>微博</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="164"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <location filename="../../desktop/texts.py" line="123"/>
        <source>Changing your state</source>
        <translation>切换您的状态</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="125"/>
        <source>Changing an agent&apos;s state</source>
        <translation>切换坐席状态</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="127"/>
        <source>Loading the agent list</source>
        <translation>加载坐席列表</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="129"/>
        <source>Logging out</source>
        <translation>登出</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="131"/>
        <source>Following the team&apos;s states</source>
        <translation>订阅团队状态</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="133"/>
        <source>Accepting the offer</source>
        <translation>接受工作分配</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="135"/>
        <source>Declining the offer</source>
        <translation>拒绝工作分配</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="137"/>
        <source>Completing the task</source>
        <translation>完成任务</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="139"/>
        <source>Submitting the wrap-up</source>
        <translation>提交话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="141"/>
        <source>Loading the queues</source>
        <translation>加载队列</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <location filename="../../desktop/connection_indicator.py" line="51"/>
        <source>Connection to the edge server</source>
        <translation>与边缘服务器的连接</translation>
    </message>
</context>
<context>
    <name>DesktopController</name>
    <message>
        <location filename="../../desktop/controller.py" line="178"/>
        <source>The login failed.</source>
        <translation>登录失败。</translation>
    </message>
    <message>
        <location filename="../../desktop/controller.py" line="200"/>
        <source>You were logged out by the edge server: {reason}</source>
        <translation>边缘服务器已将您登出：{reason}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../desktop/texts.py" line="62"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="66"/>
        <source>Too many failed attempts. Try again in {seconds} s.</source>
        <translation>失败次数过多，请在 {seconds} 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="69"/>
        <source>Too many failed attempts. Wait a moment and try again.</source>
        <translation>失败次数过多，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="76"/>
        <source>The edge server {edge} does not accept this desktop&apos;s key. Ask IT to approve this desktop.</source>
        <translation>边缘服务器 {edge} 不接受本桌面的密钥。请联系 IT 批准本桌面。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="81"/>
        <source>The edge server {edge} cannot be reached. Check the address and the network, or ask your supervisor whether the edge server is running.</source>
        <translation>无法连接边缘服务器 {edge}。请检查地址和网络，或询问主管边缘服务器是否正在运行。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="87"/>
        <source>This desktop speaks protocol version {ours}, the edge server version {theirs}. Install the Switchboard version that matches the edge server.</source>
        <translation>本桌面使用协议版本 {ours}，边缘服务器使用版本 {theirs}。请安装与边缘服务器匹配的 Switchboard 版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="93"/>
        <source>Your account is not allowed to do this.</source>
        <translation>您的账户无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="97"/>
        <source>Your session has ended. Please log in again.</source>
        <translation>您的会话已结束，请重新登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="101"/>
        <source>The edge server hit an internal error (it is in the edge&apos;s log). Try again, or tell your administrator.</source>
        <translation>边缘服务器发生内部错误（详见边缘服务器日志）。请重试，或联系管理员。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="107"/>
        <source>The edge server did not understand this desktop ({detail}). Install matching Switchboard versions.</source>
        <translation>边缘服务器无法识别本桌面的请求（{detail}）。请安装相互匹配的 Switchboard 版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="113"/>
        <source>The edge server refused: {detail}</source>
        <translation>边缘服务器拒绝了请求：{detail}</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <location filename="../../desktop/texts.py" line="49"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="51"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="53"/>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="54"/>
        <source>Disconnected</source>
        <translation>已断开</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../desktop/login_dialog.py" line="30"/>
        <source>Enter the edge server address.</source>
        <translation>请输入边缘服务器地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="35"/>
        <source>The address must look like tcp://host:port, e.g. tcp://edge.local:7700.</source>
        <translation>地址格式应为 tcp://主机:端口，例如 tcp://edge.local:7700。</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="170"/>
        <source>Switchboard – Log in</source>
        <extracomment>(edge address, user name, password)</extracomment>
        <translation>Switchboard – 登录</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="171"/>
        <source>Log in to Switchboard</source>
        <translation>登录 Switchboard</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="172"/>
        <source>&amp;Edge server:</source>
        <translation>边缘服务器(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="173"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="174"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="175"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="177"/>
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="179"/>
        <source>Log in ({seconds})</source>
        <translation>登录（{seconds}）</translation>
    </message>
    <message>
        <location filename="../../desktop/login_dialog.py" line="181"/>
        <source>&amp;Log in</source>
        <translation>登录(&amp;L)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/main_window.py" line="239"/>
        <source>Logged in as {name}.</source>
        <extracomment>The agent chose Log out. The agent closed the window or chose Quit. The agent picked a UI language (&quot;&quot; follows the system).</extracomment>
        <translation>已以 {name} 的身份登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="255"/>
        <source>Connection lost; reconnecting to the edge server…</source>
        <translation>连接已断开，正在重新连接边缘服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="258"/>
        <source>Connection restored.</source>
        <translation>连接已恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="270"/>
        <source>You were logged out by the edge server: {reason}</source>
        <translation>边缘服务器已将您登出：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="274"/>
        <source>{what} failed: {why}</source>
        <translation>{what}失败：{why}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="347"/>
        <source>Switchboard – {name}</source>
        <translation>Switchboard – {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="348"/>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="350"/>
        <source>&amp;Switchboard</source>
        <translation>Switchboard(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="351"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="352"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="353"/>
        <source>Log &amp;out</source>
        <translation>登出(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="354"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="355"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="357"/>
        <location filename="../../desktop/main_window.py" line="414"/>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="359"/>
        <location filename="../../desktop/main_window.py" line="409"/>
        <source>Agents</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="360"/>
        <location filename="../../desktop/main_window.py" line="410"/>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="369"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="371"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="372"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="386"/>
        <source>Your desktop lost its connection to the edge server, so you were set to Not Ready and no work was offered to you. Choose Ready when you are back.</source>
        <translation>您的桌面与边缘服务器的连接曾中断，因此您已被置为“示忙”，期间不会为您分配工作。回到座位后请选择“示闲”。</translation>
    </message>
</context>
<context>
    <name>OfferStack</name>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="135"/>
        <source>Offer withdrawn: {customer} – {reason}</source>
        <extracomment>A line for the status bar (an offer withdrawn or run out).</extracomment>
        <translation>分配已撤回：{customer} – {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="159"/>
        <source>Accepting…</source>
        <translation>正在接受…</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_stack.py" line="177"/>
        <source>The offer from {customer} was not answered in time.</source>
        <translation>{customer} 的分配未在时限内应答。</translation>
    </message>
</context>
<context>
    <name>OfferToast</name>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="140"/>
        <source>{seconds} s</source>
        <extracomment>Shortcuts the main window binds application-wide; shown on the buttons&apos; tooltips. Below this the countdown turns red: the agent has a few seconds left to react. Accept was clicked: offer_id. Decline was clicked: offer_id.</extracomment>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="181"/>
        <source>{queue} · {channel}</source>
        <translation>{queue} · {channel}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="185"/>
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="186"/>
        <source>Priority {priority}</source>
        <translation>优先级 {priority}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="188"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="190"/>
        <source>Accept ({keys})</source>
        <translation>接受（{keys}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="192"/>
        <source>Decline</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="194"/>
        <source>Decline ({keys})</source>
        <translation>拒绝（{keys}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/offer_toast.py" line="197"/>
        <source>Offer: {customer}, {queue}</source>
        <translation>新分配：{customer}，{queue}</translation>
    </message>
</context>
<context>
    <name>QueueBoard</name>
    <message>
        <location filename="../../desktop/supervisor/queue_board.py" line="121"/>
        <source>{queues} queues, {waiting} customers waiting</source>
        <translation>{queues} 个队列，{waiting} 位客户等待中</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_board.py" line="127"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="155"/>
        <source>Goal: {goal}% answered within {target} s</source>
        <extracomment>Role giving a value that sorts naturally (numbers; missing values first). Role giving the row&apos;s QueueStatus.</extracomment>
        <translation>目标：{goal}% 在 {target} 秒内接起</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="177"/>
        <source>Open</source>
        <translation>开放</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="178"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="254"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="256"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="258"/>
        <source>Waiting</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="260"/>
        <source>Ringing</source>
        <translation>振铃中</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="262"/>
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="264"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="266"/>
        <source>Answered</source>
        <translation>已接起</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="268"/>
        <source>Abandoned</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="270"/>
        <source>AHT</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="272"/>
        <source>Staffed</source>
        <translation>可用坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="274"/>
        <source>EWT</source>
        <translation>预计等待</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="281"/>
        <source>Tasks ringing at an agent right now</source>
        <translation>正在向坐席振铃的任务</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="283"/>
        <source>Share answered within the queue&apos;s target time; red below the goal</source>
        <translation>在队列目标时间内接起的比例；低于目标时显示为红色</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="285"/>
        <source>Average handle time</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="287"/>
        <source>Agents in Ready who can take this queue&apos;s work</source>
        <translation>处于示闲状态、可处理此队列工作的坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/supervisor/queue_model.py" line="289"/>
        <source>Estimated wait of the next customer</source>
        <translation>下一位客户的预计等待时间</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <location filename="../../desktop/reasons.py" line="43"/>
        <source>Disconnected</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../../desktop/reasons.py" line="45"/>
        <source>Missed offers</source>
        <translation>未接分配</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../desktop/texts.py" line="19"/>
        <source>Ready</source>
        <translation>示闲</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="21"/>
        <source>Not Ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="23"/>
        <source>After-Call Work</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="25"/>
        <source>Logged Out</source>
        <translation>已登出</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="33"/>
        <source>{state} – {reason}</source>
        <translation>{state} – {reason}</translation>
    </message>
</context>
<context>
    <name>StateControl</name>
    <message>
        <location filename="../../desktop/state_control.py" line="118"/>
        <source>Your state. Click to change it.</source>
        <extracomment>The agent picked a state: (AgentState, reason code or &quot;&quot;).</extracomment>
        <translation>您的状态，点击可切换。</translation>
    </message>
</context>
<context>
    <name>StateTimer</name>
    <message>
        <location filename="../../desktop/state_timer.py" line="52"/>
        <source>Time in the current state</source>
        <translation>当前状态持续时间</translation>
    </message>
</context>
<context>
    <name>TaskView</name>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="193"/>
        <source>VIP</source>
        <extracomment>The agent finished the task: task_id. The agent put away a task that ended without wrap-up: task_id. The wrap-up panel submitted: (task_id, code, notes).</extracomment>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="194"/>
        <source>Priority {priority}</source>
        <translation>优先级 {priority}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="198"/>
        <source>Outbound</source>
        <translation>外呼</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="206"/>
        <source>Time since the task was assigned to you</source>
        <translation>任务分配给您以来的时间</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="208"/>
        <source>Complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="209"/>
        <source>The work with the customer is done; wrap-up may follow</source>
        <translation>与客户的工作已完成；之后可能进入话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="210"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="211"/>
        <source>Remove this finished task from your list</source>
        <translation>从列表中移除这个已结束的任务</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="221"/>
        <source>Ended:</source>
        <translation>结束原因：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="223"/>
        <source>Customer ID:</source>
        <translation>客户编号：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="225"/>
        <source>Waited:</source>
        <translation>等待时长：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/task_view.py" line="226"/>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../desktop/tray.py" line="59"/>
        <source>Show Switchboard</source>
        <extracomment>The user asked to bring the main window up. The user chose Quit from the tray menu.</extracomment>
        <translation>显示 Switchboard</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="60"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>Work</name>
    <message>
        <location filename="../../desktop/texts.py" line="176"/>
        <source>Unknown customer</source>
        <translation>未知客户</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="183"/>
        <source>another agent took it</source>
        <translation>已被其他坐席接起</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="185"/>
        <source>the customer left</source>
        <translation>客户已离开</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="187"/>
        <source>the task expired</source>
        <translation>任务已过期</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="189"/>
        <source>you are no longer available</source>
        <translation>您已不可接待</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="191"/>
        <source>sent to voicemail</source>
        <translation>已转入语音信箱</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="193"/>
        <source>not answered in time</source>
        <translation>未在时限内应答</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="195"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="203"/>
        <source>The customer ended it</source>
        <translation>客户已结束</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="205"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="207"/>
        <source>A supervisor ended it</source>
        <translation>主管已结束</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="209"/>
        <location filename="../../desktop/workspace/work_model.py" line="54"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="211"/>
        <source>Its time limit ran out</source>
        <translation>已超出时限</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="52"/>
        <source>Active</source>
        <extracomment>Role giving the row&apos;s WorkItem. Role giving the row&apos;s task id. The agent completed it and the edge agreed; wrap-up may still follow. The other side ended it (customer hung up, supervisor cancelled). Known by id only: a wrap-up or end push overtook the assignment it belongs to.</extracomment>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="56"/>
        <source>Wrap-up</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="59"/>
        <source>Ended: {reason}</source>
        <translation>已结束：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="62"/>
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_model.py" line="184"/>
        <source>{customer}, {queue}, {state}, {time}</source>
        <translation>{customer}，{queue}，{state}，{time}</translation>
    </message>
</context>
<context>
    <name>WorkList</name>
    <message>
        <location filename="../../desktop/workspace/work_list.py" line="299"/>
        <source>My work ({count})</source>
        <extracomment>Ctrl+1 .. Ctrl+9 select the first nine tasks. The number of tasks changed (the workspace shows its empty page at 0).</extracomment>
        <translation>我的工作（{count}）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/work_list.py" line="300"/>
        <source>Select a task to see it here.</source>
        <translation>选择一个任务，在这里查看详情。</translation>
    </message>
</context>
<context>
    <name>WorkspaceArea</name>
    <message>
        <location filename="../../desktop/workspace/area.py" line="59"/>
        <source>No interactions</source>
        <translation>暂无交互</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/area.py" line="60"/>
        <source>Calls, chats and emails offered to you will appear here.</source>
        <translation>分配给您的来电、聊天和邮件将显示在这里。</translation>
    </message>
</context>
<context>
    <name>WrapUpPanel</name>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="199"/>
        <source>Ends in {time}</source>
        <extracomment>Ctrl+Enter on the main keyboard is Ctrl+Return to Qt; both submit. The agent submitted: (task_id, code or &quot;&quot;, notes).</extracomment>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="202"/>
        <source>Time is up</source>
        <translation>时间已到</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="246"/>
        <source>No wrap-up code is called that: pick one from the list.</source>
        <translation>没有这个名称的整理代码：请从列表中选择。</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="248"/>
        <source>Choose a wrap-up code to submit.</source>
        <translation>选择整理代码后才能提交。</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="251"/>
        <source>Wrap-up</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="252"/>
        <source>Code:</source>
        <translation>整理代码：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="252"/>
        <source>Code (optional):</source>
        <translation>整理代码（可选）：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="253"/>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="254"/>
        <source>Type or pick a wrap-up code</source>
        <translation>输入或选择整理代码</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="255"/>
        <source>What was done, what is left (optional)</source>
        <translation>已处理的事项和待跟进的事项（可选）</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="257"/>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/wrapup_panel.py" line="258"/>
        <source>Submit the wrap-up ({keys})</source>
        <translation>提交话后整理（{keys}）</translation>
    </message>
</context>
</TS>
