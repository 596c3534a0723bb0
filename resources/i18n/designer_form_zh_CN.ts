<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>FormEditor</name>
    <message>
        <location filename="../../designer/form/editor.py" line="174" />
        <source>Add {what}</source>
        <translation>添加{what}</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="183" />
        <source>An item cannot be moved into itself.</source>
        <translation>不能把项目移动到它自身之中。</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="191" />
        <source>Move {what}</source>
        <translation>移动{what}</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="198" />
        <source>Remove {what}</source>
        <translation>删除{what}</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="211" />
        <location filename="../../designer/form/editor.py" line="219" />
        <location filename="../../designer/form/editor.py" line="230" />
        <source>Change {what}</source>
        <translation>修改 {what}</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="266" />
        <source>Paste {what}</source>
        <translation>粘贴{what}</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="372" />
        <source>Palette</source>
        <translation>组件</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="373" />
        <source>Structure</source>
        <translation>结构</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="374" />
        <source>Properties</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="375" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="376" />
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="377" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../designer/form/editor.py" line="378" />
        <source>Form structure</source>
        <translation>表单结构</translation>
    </message>
</context>
<context>
    <name>FormPalette</name>
    <message>
        <location filename="../../designer/form/palette.py" line="110" />
        <source>Palette</source>
        <extracomment>Mime type of a palette entry being dragged; the payload is the entry name (e.g. "field:text", "section"). Mime type of a structure-tree item being dragged; the payload is the layout item id. Clipboard format of a copied item: JSON {"item": LayoutItem, "fields": [FormField]}.</extracomment>
        <translation>组件</translation>
    </message>
    <message>
        <location filename="../../designer/form/palette.py" line="114" />
        <source>Drag into the structure, or double-click to add</source>
        <translation>拖入结构中，或双击添加</translation>
    </message>
</context>
<context>
    <name>FormTree</name>
    <message>
        <location filename="../../designer/form/tree.py" line="49" />
        <source>Only a page can stand at the top; put the {child} into a section.</source>
        <translation>顶层只能放页面；请把{child}放进分组中。</translation>
    </message>
    <message>
        <location filename="../../designer/form/tree.py" line="52" />
        <source>A {child} cannot go directly into a {parent} (it takes: {allowed}).</source>
        <translation>{child}不能直接放进{parent}（可放入：{allowed}）。</translation>
    </message>
    <message>
        <location filename="../../designer/form/tree.py" line="84" />
        <source>(missing field)</source>
        <translation>（字段缺失）</translation>
    </message>
    <message>
        <location filename="../../designer/form/tree.py" line="206" />
        <source>An item cannot be moved into itself.</source>
        <translation>不能把项目移动到它自身之中。</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../designer/form/preview.py" line="168" />
        <source>{n} field(s) need attention.</source>
        <extracomment>What the preview pretends to know about the customer and the interaction. Coalesce bursts of edits (typing) into one re-render.</extracomment>
        <translation>有 {n} 个字段需要处理。</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="169" />
        <source>The sample values pass every check.</source>
        <translation>示例数据通过了全部校验。</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="172" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="173" />
        <source>Check</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="174" />
        <source>Sample data</source>
        <translation>示例数据</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="175" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../designer/form/preview.py" line="175" />
        <source>Value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>PropertyPanel</name>
    <message>
        <location filename="../../designer/form/properties.py" line="463" />
        <source>Key</source>
        <extracomment>The bind paths FormField.bind documents; "…attributes." ones are completed by typing a name.</extracomment>
        <translation>键名</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="463" />
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="463" />
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="463" />
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="464" />
        <source>Placeholder</source>
        <translation>占位提示</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="464" />
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="465" />
        <source>Read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="465" />
        <source>Visible if</source>
        <translation>显示条件</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="465" />
        <source>Default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="466" />
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="466" />
        <source>Validators</source>
        <translation>校验规则</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="466" />
        <source>Bind to</source>
        <translation>绑定到</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="467" />
        <source>When hidden</source>
        <translation>隐藏时</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="471" />
        <source>Select an item in the structure to edit its properties.</source>
        <translation>在结构中选择一项以编辑其属性。</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="472" />
        <source>Kind</source>
        <translation>种类</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="473" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="474" />
        <source>Clear its value</source>
        <translation>清除其值</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="475" />
        <source>Keep its value</source>
        <translation>保留其值</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="476" />
        <source>The data key; expressions refer to the field by it</source>
        <translation>数据键名；表达式通过它引用此字段</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="477" />
        <source>An expression, e.g. issue == 'refund'; empty: always shown</source>
        <translation>表达式，例如 issue == 'refund'；留空则始终显示</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="478" />
        <source>An expression, e.g. customer.name or 'none'</source>
        <translation>表达式，例如 customer.name 或 'none'</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="479" />
        <location filename="../../designer/form/properties.py" line="480" />
        <source>Always</source>
        <translation>始终</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="481" />
        <location filename="../../designer/form/properties.py" line="482" />
        <source>or a condition</source>
        <translation>或填写条件</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="484" />
        <location filename="../../designer/form/properties.py" line="485" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="485" />
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="485" />
        <source>Message (中文)</source>
        <translation>提示（中文）</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="486" />
        <source>Message (English)</source>
        <translation>提示（英文）</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="489" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="490" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="491" />
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../designer/form/properties.py" line="492" />
        <source>Move down</source>
        <translation>下移</translation>
    </message>
</context>
</TS>