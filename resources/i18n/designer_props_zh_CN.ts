<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChoiceEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="197" />
        <source>%1 (unknown)</source>
        <translation>%1（未知）</translation>
    </message>
</context>
<context>
    <name>DaysEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="465" />
        <source>Mo</source>
        <translation>一</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="465" />
        <source>Tu</source>
        <translation>二</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="465" />
        <source>We</source>
        <translation>三</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="465" />
        <source>Th</source>
        <translation>四</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="465" />
        <source>Fr</source>
        <translation>五</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="466" />
        <source>Sa</source>
        <translation>六</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="466" />
        <source>Su</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="467" />
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="467" />
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="467" />
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="467" />
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="468" />
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="468" />
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="468" />
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
</context>
<context>
    <name>ExprEditor</name>
    <message>
        <location filename="../../designer/flow/props_expr.py" line="116" />
        <source>An expression is required.</source>
        <extracomment>How much of the expression to quote around a syntax error.</extracomment>
        <translation>必须填写表达式。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_expr.py" line="125" />
        <source>Syntax error at character %1: %2
%3</source>
        <translation>第 %1 个字符处语法错误：%2
%3</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_expr.py" line="131" />
        <source>Unknown name: %1 (declare it as a variable or fix the spelling)</source>
        <translation>未知名称：%1（请声明变量或检查拼写）</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_expr.py" line="138" />
        <source>Ctrl+Space lists the names and functions you can use.</source>
        <translation>按 Ctrl+空格 列出可用的名称和函数。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_expr.py" line="151" />
        <source>expression, e.g. %1</source>
        <translation>表达式，例如 %1</translation>
    </message>
</context>
<context>
    <name>FlowSettingsPanel</name>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="136" />
        <source>A flow needs a name.</source>
        <translation>流程必须有名称。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="177" />
        <source>Chat (web chat, WeChat, SMS…)</source>
        <translation>文字（网页聊天、微信、短信…）</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="177" />
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="178" />
        <source>Any channel</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="194" />
        <source>Flow settings</source>
        <translation>流程设置</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="195" />
        <source>Select a node on the canvas to edit it.</source>
        <translation>在画布上选择一个节点以编辑它。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="196" />
        <location filename="../../designer/flow/props_settings.py" line="200" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="196" />
        <location filename="../../designer/flow/props_settings.py" line="201" />
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="197" />
        <location filename="../../designer/flow/props_settings.py" line="202" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="197" />
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="198" />
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_settings.py" line="204" />
        <source>Language: %1</source>
        <translation>语言：%1</translation>
    </message>
</context>
<context>
    <name>ItemCard</name>
    <message>
        <location filename="../../designer/flow/props_list.py" line="139" />
        <source>Move %1 %2 up</source>
        <extracomment>Editors too wide to sit beside their label in a card (seven day buttons).</extracomment>
        <translation>上移%1 %2</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_list.py" line="140" />
        <source>Move %1 %2 down</source>
        <translation>下移%1 %2</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_list.py" line="141" />
        <source>Remove %1 %2</source>
        <translation>删除%1 %2</translation>
    </message>
</context>
<context>
    <name>LTextEditor</name>
    <message>
        <location filename="../../designer/flow/props_ltext.py" line="89" />
        <source>Translation missing</source>
        <translation>缺少译文</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_ltext.py" line="92" />
        <source>Unknown placeholder: %1 (it will show as empty)</source>
        <translation>未知占位符：%1（将显示为空）</translation>
    </message>
</context>
<context>
    <name>ListEditor</name>
    <message>
        <location filename="../../designer/flow/props_list.py" line="284" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_list.py" line="285" />
        <source>Add to %1</source>
        <translation>添加到%1</translation>
    </message>
</context>
<context>
    <name>NodePropertiesPanel</name>
    <message>
        <location filename="../../designer/flow/properties.py" line="390" />
        <source>Select a node to edit its properties.</source>
        <translation>选择一个节点以编辑其属性。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="391" />
        <source>Problems of this node</source>
        <translation>此节点的问题</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="392" />
        <source>Node properties</source>
        <translation>节点属性</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="399" />
        <source>Unknown node type: %1</source>
        <translation>未知节点类型：%1</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="400" />
        <source>This designer does not know this node type; its settings are shown read-only and kept as they are.</source>
        <translation>此设计器不认识该节点类型；其设置以只读方式显示并原样保留。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="407" />
        <source>Id: %1</source>
        <translation>ID：%1</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="412" />
        <source>chat</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="412" />
        <source>voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="412" />
        <source>all-channel</source>
        <translation>全渠道</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="413" />
        <source>This node does not run in %1 flows.</source>
        <translation>此节点不能在%1流程中运行。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="419" />
        <location filename="../../designer/flow/properties.py" line="421" />
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="422" />
        <source>shown on the canvas</source>
        <translation>显示在画布上</translation>
    </message>
    <message>
        <location filename="../../designer/flow/properties.py" line="424" />
        <location filename="../../designer/flow/properties.py" line="425" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>QueueEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="290" />
        <source>queue key</source>
        <translation>队列标识</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="295" />
        <source>(choose a queue)</source>
        <translation>（选择队列）</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="300" />
        <source>%1 (unknown queue)</source>
        <translation>%1（未知队列）</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="309" />
        <source>This queue does not exist on the edge.</source>
        <translation>服务器上没有这个队列。</translation>
    </message>
</context>
<context>
    <name>SkillsEditor</name>
    <message>
        <location filename="../../designer/flow/props_skills.py" line="152" />
        <source>Skill %1</source>
        <extracomment>Agent skill levels run 1..5 (edge_server/routing/pools.py keeps six slots, 0 = not required).</extracomment>
        <translation>技能 %1</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_skills.py" line="153" />
        <source>Minimum level of skill %1</source>
        <translation>技能 %1 的最低等级</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_skills.py" line="154" />
        <source>Remove skill %1</source>
        <translation>删除技能 %1</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_skills.py" line="158" />
        <source>Add skill</source>
        <translation>添加技能</translation>
    </message>
</context>
<context>
    <name>StringsEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="352" />
        <source>separate with commas</source>
        <translation>用逗号分隔</translation>
    </message>
</context>
<context>
    <name>TextEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="122" />
        <source>An address starts with http:// or https://</source>
        <extracomment>Shown for known choices instead of the raw value: (config key, choice) -&gt; (en, zh). Offered first in the time-zone picker; any IANA name may be typed. Sensible spin ranges (min, max, step) by key; others take 0..1,000,000.</extracomment>
        <translation>地址应以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="125" />
        <source>Unknown placeholder: %1 (it will show as empty)</source>
        <translation>未知占位符：%1（将显示为空）</translation>
    </message>
</context>
<context>
    <name>TimeEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="391" />
        <source>Enter a time as HH:MM, e.g. 09:00</source>
        <translation>请按 HH:MM 输入时间，例如 09:00</translation>
    </message>
</context>
<context>
    <name>TimezoneEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="422" />
        <source>Unknown time zone: %1</source>
        <translation>未知时区：%1</translation>
    </message>
</context>
<context>
    <name>VariableEditor</name>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="220" />
        <source>variable name</source>
        <translation>变量名</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_fields.py" line="255" />
        <source>“%1” is not declared: add it under Flow settings → Variables.</source>
        <translation>“%1”未声明：请在 流程设置 → 变量 中添加。</translation>
    </message>
</context>
<context>
    <name>VariablesTable</name>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="229" />
        <source>“%1” is not a valid name: use lower-case letters, digits and _, not starting with a digit.</source>
        <extracomment>The validator's own rules (edge_server/flows/validate.py), so the table refuses exactly what it would report.</extracomment>
        <translation>“%1”不是有效名称：只能用小写字母、数字和 _，且不能以数字开头。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="232" />
        <source>A variable named “%1” already exists.</source>
        <translation>已有名为“%1”的变量。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="234" />
        <source>“%1” is a reserved word.</source>
        <translation>“%1”是保留字。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="236" />
        <source>The default of a number variable must be a number.</source>
        <translation>数字变量的默认值必须是数字。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="238" />
        <source>The default of a yes/no variable is true or false.</source>
        <translation>是/否变量的默认值为 true 或 false。</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="252" />
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="255" />
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="255" />
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="255" />
        <source>yes/no</source>
        <translation>是/否</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="258" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="258" />
        <source>Default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="259" />
        <source>Sensitive</source>
        <translation>敏感</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="259" />
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="260" />
        <source>Used by this name in expressions and {name} placeholders</source>
        <translation>在表达式和 {name} 占位符中用此名称引用</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="261" />
        <source>How the value is compared and shown</source>
        <translation>值如何比较和显示</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="262" />
        <source>The value at the start of every execution</source>
        <translation>每次执行开始时的值</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="263" />
        <source>Masked as *** in traces and logs</source>
        <translation>在轨迹和日志中显示为 ***</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="264" />
        <source>What the variable holds, for the next person</source>
        <translation>变量保存什么，写给下一位维护者</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="269" />
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="270" />
        <source>Add variable</source>
        <translation>添加变量</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="271" />
        <source>Remove variable</source>
        <translation>删除变量</translation>
    </message>
    <message>
        <location filename="../../designer/flow/props_variables.py" line="272" />
        <source>Remove the selected variable</source>
        <translation>删除选中的变量</translation>
    </message>
</context>
</TS>