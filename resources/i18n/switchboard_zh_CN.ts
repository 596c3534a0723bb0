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
    <name>Commands</name>
    <message>
        <location filename="../../desktop/texts.py" line="122"/>
        <source>Changing your state</source>
        <translation>切换您的状态</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="124"/>
        <source>Changing an agent&apos;s state</source>
        <translation>切换坐席状态</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="126"/>
        <source>Loading the agent list</source>
        <translation>加载坐席列表</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="128"/>
        <source>Logging out</source>
        <translation>登出</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="130"/>
        <source>Following the team&apos;s states</source>
        <translation>订阅团队状态</translation>
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
        <location filename="../../desktop/texts.py" line="61"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="65"/>
        <source>Too many failed attempts. Try again in {seconds} s.</source>
        <translation>失败次数过多，请在 {seconds} 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="68"/>
        <source>Too many failed attempts. Wait a moment and try again.</source>
        <translation>失败次数过多，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="75"/>
        <source>The edge server {edge} does not accept this desktop&apos;s key. Ask IT to approve this desktop.</source>
        <translation>边缘服务器 {edge} 不接受本桌面的密钥。请联系 IT 批准本桌面。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="80"/>
        <source>The edge server {edge} cannot be reached. Check the address and the network, or ask your supervisor whether the edge server is running.</source>
        <translation>无法连接边缘服务器 {edge}。请检查地址和网络，或询问主管边缘服务器是否正在运行。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="86"/>
        <source>This desktop speaks protocol version {ours}, the edge server version {theirs}. Install the Switchboard version that matches the edge server.</source>
        <translation>本桌面使用协议版本 {ours}，边缘服务器使用版本 {theirs}。请安装与边缘服务器匹配的 Switchboard 版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="92"/>
        <source>Your account is not allowed to do this.</source>
        <translation>您的账户无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="96"/>
        <source>Your session has ended. Please log in again.</source>
        <translation>您的会话已结束，请重新登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="100"/>
        <source>The edge server hit an internal error (it is in the edge&apos;s log). Try again, or tell your administrator.</source>
        <translation>边缘服务器发生内部错误（详见边缘服务器日志）。请重试，或联系管理员。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="106"/>
        <source>The edge server did not understand this desktop ({detail}). Install matching Switchboard versions.</source>
        <translation>边缘服务器无法识别本桌面的请求（{detail}）。请安装相互匹配的 Switchboard 版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="112"/>
        <source>The edge server refused: {detail}</source>
        <translation>边缘服务器拒绝了请求：{detail}</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <location filename="../../desktop/texts.py" line="48"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="50"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="52"/>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="53"/>
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
        <location filename="../../desktop/main_window.py" line="207"/>
        <source>Logged in as {name}.</source>
        <extracomment>The agent chose Log out. The agent closed the window or chose Quit. The agent picked a UI language (&quot;&quot; follows the system).</extracomment>
        <translation>已以 {name} 的身份登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="223"/>
        <source>Connection lost; reconnecting to the edge server…</source>
        <translation>连接已断开，正在重新连接边缘服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="226"/>
        <source>Connection restored.</source>
        <translation>连接已恢复。</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="238"/>
        <source>You were logged out by the edge server: {reason}</source>
        <translation>边缘服务器已将您登出：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="242"/>
        <source>{what} failed: {why}</source>
        <translation>{what}失败：{why}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="312"/>
        <source>Switchboard – {name}</source>
        <translation>Switchboard – {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="313"/>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="315"/>
        <source>&amp;Switchboard</source>
        <translation>Switchboard(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="316"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="317"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="318"/>
        <source>Log &amp;out</source>
        <translation>登出(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="319"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="320"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="322"/>
        <location filename="../../desktop/main_window.py" line="369"/>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="331"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="333"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="334"/>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/main_window.py" line="347"/>
        <source>Your desktop lost its connection to the edge server, so you were set to Not Ready and no work was offered to you. Choose Ready when you are back.</source>
        <translation>您的桌面与边缘服务器的连接曾中断，因此您已被置为“示忙”，期间不会为您分配工作。回到座位后请选择“示闲”。</translation>
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
        <location filename="../../desktop/texts.py" line="18"/>
        <source>Ready</source>
        <translation>示闲</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="20"/>
        <source>Not Ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="22"/>
        <source>After-Call Work</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="24"/>
        <source>Logged Out</source>
        <translation>已登出</translation>
    </message>
    <message>
        <location filename="../../desktop/texts.py" line="32"/>
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
    <name>WorkspaceArea</name>
    <message>
        <location filename="../../desktop/workspace/area.py" line="47"/>
        <source>No interactions</source>
        <translation>暂无交互</translation>
    </message>
    <message>
        <location filename="../../desktop/workspace/area.py" line="48"/>
        <source>Calls, chats and emails offered to you will appear here.</source>
        <translation>分配给您的来电、聊天和邮件将显示在这里。</translation>
    </message>
</context>
</TS>
