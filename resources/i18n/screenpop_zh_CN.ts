<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CustomerCardView</name>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="176" />
      <source>The notes could not be saved.</source>
      <translation>备注未能保存。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="226" />
      <source>VIP</source>
      <translation>VIP</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="227" />
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="228" />
      <source>Edit the customer's details</source>
      <translation>编辑客户资料</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="229" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="230" />
      <source>Notes about this customer, for every agent</source>
      <translation>关于该客户的备注，所有坐席可见</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="231" />
      <source>Save notes</source>
      <translation>保存备注</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_card.py" line="232" />
      <source>Details</source>
      <translation>详细信息</translation>
    </message>
  </context>
  <context>
    <name>CustomerFormDialog</name>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="125" />
      <source>This is not a valid {kind}.</source>
      <extracomment>Tiers offered in the picker; the field stays free text because sites name their own.</extracomment>
      <translation>这不是有效的{kind}。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="171" />
      <source>The customer could not be saved.</source>
      <translation>客户未能保存。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="200" />
      <source>Edit customer</source>
      <translation>编辑客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="202" />
      <source>Name:</source>
      <translation>姓名：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="202" />
      <source>Tier:</source>
      <translation>等级：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="202" />
      <source>VIP:</source>
      <translation>VIP：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="202" />
      <source>Tags:</source>
      <translation>标签：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="202" />
      <source>Notes:</source>
      <translation>备注：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="203" />
      <source>Details:</source>
      <translation>详细信息：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="203" />
      <source>Add identity:</source>
      <translation>添加联系方式：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="206" />
      <source>VIP customer</source>
      <translation>VIP 客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="207" />
      <source>Comma-separated, e.g. vip, billing</source>
      <translation>用逗号分隔，例如：vip, 账单</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="208" />
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="208" />
      <source>Value</source>
      <translation>值</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="209" />
      <source>Add field</source>
      <translation>添加字段</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="210" />
      <source>Phone, email, WeChat id…</source>
      <translation>电话、邮箱、微信号…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="211" />
      <source>Find and merge…</source>
      <translation>查找并合并…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/customer_form.py" line="212" />
      <source>Find the customer who has this identity and merge the two</source>
      <translation>查找拥有该联系方式的客户并合并两者</translation>
    </message>
  </context>
  <context>
    <name>CustomerSearchDialog</name>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="187" />
      <source>Searching…</source>
      <extracomment>Wait this long after the last key before asking the edge (Amazon Connect's quick-response figure).</extracomment>
      <translation>正在搜索…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="239" />
      <source>The search failed.</source>
      <translation>搜索失败。</translation>
    </message>
    <message numerus="yes">
      <location filename="../../desktop/screenpop/search_dialog.py" line="245" />
      <source>%n customer(s) found</source>
      <translation>
        <numerusform>找到 %n 位客户</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="274" />
      <source>The interaction could not be linked.</source>
      <translation>交互未能关联。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="283" />
      <source>The customers could not be merged.</source>
      <translation>客户未能合并。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="296" />
      <source>The customer could not be split.</source>
      <translation>客户未能拆分。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="330" />
      <source>Name matches</source>
      <translation>姓名匹配</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="332" />
      <source>Phone matches</source>
      <translation>电话匹配</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="334" />
      <source>Email matches</source>
      <translation>邮箱匹配</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="336" />
      <source>Identity matches</source>
      <translation>联系方式匹配</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="338" />
      <source>Tag matches</source>
      <translation>标签匹配</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="340" />
      <source>Found in a message</source>
      <translation>在消息中找到</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="345" />
      <source>{when} {who}: {action} {details}</source>
      <translation>{when} {who}：{action} {details}</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="351" />
      <source>created</source>
      <translation>创建</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="353" />
      <source>edited</source>
      <translation>编辑</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="355" />
      <source>added an identity</source>
      <translation>添加了联系方式</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="357" />
      <source>merged another customer into this one</source>
      <translation>将另一客户合并到此客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="359" />
      <source>merged this customer into another</source>
      <translation>将此客户合并到另一客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="361" />
      <source>split identities off</source>
      <translation>拆分出联系方式</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="363" />
      <source>created by a split</source>
      <translation>由拆分创建</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="367" />
      <source>Find a customer</source>
      <translation>查找客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="368" />
      <source>Name, phone, email, tag:vip or words from a message</source>
      <translation>姓名、电话、邮箱、tag:vip 或消息中的词语</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="369" />
      <source>Interactions</source>
      <translation>交互记录</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="371" />
      <source>Audit trail</source>
      <translation>审计记录</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="372" />
      <source>Link to this interaction</source>
      <translation>关联到此交互</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="373" />
      <source>Merge…</source>
      <translation>合并…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="374" />
      <source>Select two customers to merge them</source>
      <translation>选择两个客户以合并</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="375" />
      <source>Split…</source>
      <translation>拆分…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/search_dialog.py" line="376" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
  </context>
  <context>
    <name>MergeDialog</name>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="64" />
      <source>Merge customers</source>
      <translation>合并客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="65" />
      <source>Choose the customer to keep. The other one's identities and interactions move to it; the merge is recorded in the audit trail.</source>
      <translation>选择要保留的客户。另一客户的联系方式和交互记录将转移到该客户；合并会记录在审计记录中。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="67" />
      <location filename="../../desktop/screenpop/merge_split.py" line="68" />
      <source>Keep {customer}</source>
      <translation>保留 {customer}</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="69" />
      <source>Reason:</source>
      <translation>原因：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="70" />
      <source>Why these are the same person</source>
      <translation>为什么是同一个人</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="71" />
      <source>I checked that both are the same customer</source>
      <translation>我已确认两者是同一客户</translation>
    </message>
  </context>
  <context>
    <name>NewCustomerForm</name>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="137" />
      <source>Enter the customer's name.</source>
      <translation>请输入客户姓名。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="172" />
      <source>The customer could not be created.</source>
      <translation>客户未能创建。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="181" />
      <source>The customer could not be saved.</source>
      <translation>客户未能保存。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="198" />
      <source>This is not a valid phone number.</source>
      <translation>这不是有效的电话号码。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="199" />
      <source>This is not a valid email address.</source>
      <translation>这不是有效的邮箱地址。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="227" />
      <source>New customer</source>
      <translation>新客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="228" />
      <source>Nobody is known under this contact yet. Fill in what you learn; saving creates the customer and links this interaction.</source>
      <translation>此联系方式尚无对应客户。请填写您了解到的信息；保存后将创建客户并关联此交互。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="231" />
      <source>Complete this customer</source>
      <translation>完善客户资料</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="232" />
      <source>Known only by the contact below. Add a name and what you learn.</source>
      <translation>目前仅知道以下联系方式。请添加姓名及您了解到的信息。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="234" />
      <source>Name:</source>
      <translation>姓名：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="234" />
      <source>Phone:</source>
      <translation>电话：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="234" />
      <source>Email:</source>
      <translation>邮箱：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="234" />
      <source>Tier:</source>
      <translation>等级：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="234" />
      <source>Tags:</source>
      <translation>标签：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="235" />
      <source>Notes:</source>
      <translation>备注：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="238" />
      <source>e.g. 138 0013 8000 or +86 …</source>
      <translation>例如 138 0013 8000 或 +86 …</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="239" />
      <source>Comma-separated, e.g. vip, billing</source>
      <translation>用逗号分隔，例如：vip, 账单</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="240" />
      <source>Save customer</source>
      <translation>保存客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/new_customer.py" line="241" />
      <source>This is an existing customer…</source>
      <translation>这是已有客户…</translation>
    </message>
  </context>
  <context>
    <name>ScreenPop</name>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="26" />
      <source>Phone</source>
      <extracomment>Web visitor ids are long random tokens; agents only need enough to tell two apart.</extracomment>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="28" />
      <source>Email</source>
      <translation>邮箱</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="30" />
      <source>WeChat</source>
      <translation>微信</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="32" />
      <source>WeChat (union)</source>
      <translation>微信（UnionID）</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="34" />
      <source>WeChat service</source>
      <translation>微信客服</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="34" />
      <source>Weibo</source>
      <translation>微博</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="36" />
      <source>Web visitor</source>
      <translation>网站访客</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="38" />
      <source>Site user</source>
      <translation>网站用户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="40" />
      <source>App user</source>
      <translation>App 用户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/formatting.py" line="81" />
      <source>Yesterday {time}</source>
      <translation>昨天 {time}</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline.py" line="98" />
      <source>⚑ Follow up</source>
      <extracomment>Rows from the bottom at which the next page is asked for, so it arrives before the end shows.</extracomment>
      <translation>⚑ 需跟进</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline.py" line="111" />
      <source>Now</source>
      <translation>当前</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline.py" line="128" />
      <source>No agent</source>
      <translation>无坐席</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline.py" line="144" />
      <source>✎ {summary}</source>
      <translation>✎ {summary}</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline_model.py" line="95" />
      <source>Notes:</source>
      <translation>备注：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/timeline_model.py" line="96" />
      <source>Rating comment:</source>
      <translation>评价留言：</translation>
    </message>
  </context>
  <context>
    <name>ScreenPopPanel</name>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="271" />
      <source>The customer could not be loaded.</source>
      <extracomment>The first page: what the edge sends with the card, and what fills a panel's height. Older pages fetched on scroll. A merged-away card points at its survivor; follow at most this many hops (a loop is an edge bug). Seconds from the last show_task to its rendered signal (for the bench and the log).</extracomment>
      <translation>客户资料未能加载。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="317" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="318" />
      <source>Find customer…</source>
      <translation>查找客户…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="319" />
      <source>Interactions on every channel</source>
      <translation>全渠道交互记录</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="320" />
      <source>No earlier interactions</source>
      <translation>暂无历史交互</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/panel.py" line="325" />
      <source>The customer of the selected interaction shows here.</source>
      <translation>所选交互的客户资料显示在这里。</translation>
    </message>
  </context>
  <context>
    <name>SplitDialog</name>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="119" />
      <source>Split customer</source>
      <translation>拆分客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="120" />
      <source>Tick the identities that belong to another person. They move to a new customer together with the interactions that came on them.</source>
      <translation>勾选属于另一个人的联系方式。它们将与通过其产生的交互记录一起转移到新客户。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="122" />
      <source>New customer's name:</source>
      <translation>新客户姓名：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/merge_split.py" line="123" />
      <source>Reason:</source>
      <translation>原因：</translation>
    </message>
  </context>
  <context>
    <name>TranscriptDialog</name>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="67" />
      <source>Loading the transcript…</source>
      <translation>正在加载记录…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="103" />
      <source>Save attachment</source>
      <translation>保存附件</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="115" />
      <source>The transcript could not be loaded.</source>
      <translation>记录未能加载。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="124" />
      <source>Downloading {name}…</source>
      <translation>正在下载 {name}…</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="128" />
      <source>{name} could not be downloaded.</source>
      <translation>{name} 未能下载。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="130" />
      <source>Saved {name}.</source>
      <translation>已保存 {name}。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="140" />
      <source>Wrap-up notes</source>
      <translation>话后小结</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="143" />
      <source>No messages (a call without a transcript).</source>
      <translation>无消息（通话没有文字记录）。</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="154" />
      <source>Attachment:</source>
      <translation>附件：</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="159" />
      <source>Internal note</source>
      <translation>内部备注</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="168" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="170" />
      <source>Bot</source>
      <translation>机器人</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="171" />
      <source>Agent</source>
      <translation>坐席</translation>
    </message>
    <message>
      <location filename="../../desktop/screenpop/transcript_dialog.py" line="177" />
      <source>Transcript</source>
      <translation>交互记录详情</translation>
    </message>
  </context>
  <context>
    <name>WrapUpPanel</name>
    <message>
      <location filename="../../desktop/workspace/wrapup_panel.py" line="292" />
      <source>{first}…{last} pick a code in list order</source>
      <translation>{first}…{last} 按列表顺序选择小结代码</translation>
    </message>
    <message>
      <location filename="../../desktop/workspace/wrapup_panel.py" line="294" />
      <source>{first} picks the code</source>
      <translation>{first} 选择该代码</translation>
    </message>
    <message>
      <location filename="../../desktop/workspace/wrapup_panel.py" line="302" />
      <source>Follow up</source>
      <translation>需跟进</translation>
    </message>
    <message>
      <location filename="../../desktop/workspace/wrapup_panel.py" line="303" />
      <source>Flag this interaction for a follow-up; it shows on the customer's timeline</source>
      <translation>将此交互标记为需跟进；会显示在客户的时间线上</translation>
    </message>
  </context>
</TS>