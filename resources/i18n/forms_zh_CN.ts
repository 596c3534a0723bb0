<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>DateEditor</name>
    <message>
        <location filename="../../desktop/forms/editors.py" line="113" />
        <source>No date</source>
        <extracomment>A choice with at most this many options shows radio buttons (all visible at a glance), else a combo box. A multi-choice with at most this many options shows checkboxes, else a checkable list. The date a "no date" QDateEdit sits on (its minimum, shown as the special value text). Decimal numbers with an optional sign, either decimal mark (what agents type), and no exponent.</extracomment>
        <translation>无日期</translation>
    </message>
</context>
<context>
    <name>FormSection</name>
    <message>
        <location filename="../../desktop/screenpop/form_section.py" line="212" />
        <source>The form was not saved: {reason}</source>
        <translation>表单未保存：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/screenpop/form_section.py" line="213" />
        <source>the edge refused it</source>
        <translation>服务器拒绝了提交</translation>
    </message>
    <message>
        <location filename="../../desktop/screenpop/form_section.py" line="222" />
        <source>Saved {time}</source>
        <translation>已保存 {time}</translation>
    </message>
    <message>
        <location filename="../../desktop/screenpop/form_section.py" line="228" />
        <source>Form: {name}</source>
        <translation>表单：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/screenpop/form_section.py" line="228" />
        <source>Form</source>
        <translation>表单</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <location filename="../../desktop/forms/view.py" line="276" />
        <location filename="../../desktop/forms/view.py" line="352" />
        <source>Please correct the marked fields.</source>
        <extracomment>Error red. Colours and fonts are set through palettes, not a style sheet: a style sheet on the view made a 300-field form take over a second to build. Made on the first error: most fields never show one, and a 300-field form builds faster without.</extracomment>
        <translation>请更正标出的字段。</translation>
    </message>
    <message>
        <location filename="../../desktop/forms/view.py" line="507" />
        <source>Step {n}</source>
        <translation>第 {n} 步</translation>
    </message>
    <message>
        <location filename="../../desktop/forms/view.py" line="513" />
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <location filename="../../desktop/forms/view.py" line="514" />
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../desktop/forms/view.py" line="515" />
        <source>Submit</source>
        <translation>提交</translation>
    </message>
</context>
</TS>