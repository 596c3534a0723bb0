<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>FlowCommands</name>
    <message>
      <location filename="../../designer/flow/commands.py" line="27" />
      <source>Add node</source>
      <translation>添加节点</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="57" />
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="87" />
      <source>Move</source>
      <translation>移动</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="128" />
      <source>Edit property</source>
      <translation>修改属性</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="151" />
      <source>Rename node</source>
      <translation>重命名节点</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="168" />
      <source>Connect</source>
      <translation>连线</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="168" />
      <source>Disconnect</source>
      <translation>断开连线</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="186" />
      <source>Set start node</source>
      <translation>设置起始节点</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="200" />
      <source>Edit variables</source>
      <translation>修改变量</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="214" />
      <source>Edit simulations</source>
      <translation>修改模拟用例</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="230" />
      <source>Edit flow settings</source>
      <translation>修改流程设置</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="265" />
      <source>Add note</source>
      <translation>添加注释</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="269" />
      <source>Edit note</source>
      <translation>编辑注释</translation>
    </message>
    <message>
      <location filename="../../designer/flow/commands.py" line="273" />
      <source>Delete note</source>
      <translation>删除注释</translation>
    </message>
  </context>
  <context>
    <name>FlowEditor</name>
    <message>
      <location filename="../../designer/flow/editor.py" line="83" />
      <source>Flow canvas</source>
      <translation>流程画布</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="93" />
      <source>Properties</source>
      <translation>属性</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="94" />
      <source>Outline</source>
      <translation>大纲</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="152" />
      <source>Copy</source>
      <translation>复制</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="153" />
      <location filename="../../designer/flow/editor.py" line="306" />
      <source>Cut</source>
      <translation>剪切</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="154" />
      <location filename="../../designer/flow/editor.py" line="313" />
      <source>Paste</source>
      <translation>粘贴</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="155" />
      <location filename="../../designer/flow/editor.py" line="276" />
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="156" />
      <source>Select all</source>
      <translation>全选</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="157" />
      <source>Set as start node</source>
      <translation>设为起始节点</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="158" />
      <source>Add note…</source>
      <translation>添加注释…</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="160" />
      <source>Align left</source>
      <translation>左对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="161" />
      <source>Align right</source>
      <translation>右对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="162" />
      <source>Align top</source>
      <translation>顶端对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="163" />
      <source>Align bottom</source>
      <translation>底端对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="164" />
      <source>Align centres vertically</source>
      <translation>垂直居中对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="165" />
      <source>Align centres horizontally</source>
      <translation>水平居中对齐</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="170" />
      <source>Distribute horizontally</source>
      <translation>水平等距分布</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="172" />
      <source>Distribute vertically</source>
      <translation>垂直等距分布</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="174" />
      <source>Zoom in</source>
      <translation>放大</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="175" />
      <source>Zoom out</source>
      <translation>缩小</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="176" />
      <source>Fit to contents</source>
      <translation>适应画布</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="181" />
      <source>Canvas tools</source>
      <translation>画布工具</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="183" />
      <source>Arrange</source>
      <translation>排列</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="251" />
      <source>Add %1</source>
      <translation>添加%1</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="361" />
      <location filename="../../designer/flow/editor.py" line="364" />
      <source>Move</source>
      <translation>移动</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="414" />
      <source>Add note</source>
      <translation>添加注释</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="414" />
      <location filename="../../designer/flow/editor.py" line="520" />
      <source>Note:</source>
      <translation>注释：</translation>
    </message>
    <message>
      <location filename="../../designer/flow/editor.py" line="520" />
      <source>Edit note</source>
      <translation>编辑注释</translation>
    </message>
  </context>
  <context>
    <name>FlowOutline</name>
    <message>
      <location filename="../../designer/flow/outline.py" line="34" />
      <source>Flow outline</source>
      <translation>流程大纲</translation>
    </message>
    <message>
      <location filename="../../designer/flow/outline.py" line="35" />
      <source>Every node from the start, with its exits and where they lead</source>
      <translation>从起点开始的所有节点及其出口和去向</translation>
    </message>
    <message>
      <location filename="../../designer/flow/outline.py" line="72" />
      <source>Node</source>
      <translation>节点</translation>
    </message>
    <message>
      <location filename="../../designer/flow/outline.py" line="72" />
      <source>Problems</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../../designer/flow/outline.py" line="75" />
      <source>(not connected)</source>
      <translation>（未连接）</translation>
    </message>
    <message numerus="yes">
      <location filename="../../designer/flow/outline.py" line="83" />
      <source>%n error(s)</source>
      <translation>
        <numerusform>%n 个错误</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../designer/flow/outline.py" line="84" />
      <source>%n warning(s)</source>
      <translation>
        <numerusform>%n 个警告</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>FlowPalette</name>
    <message>
      <location filename="../../designer/flow/palette.py" line="38" />
      <source>Node palette</source>
      <translation>节点面板</translation>
    </message>
    <message>
      <location filename="../../designer/flow/palette.py" line="39" />
      <source>Drag a node onto the canvas, or press Enter to add it in the middle</source>
      <translation>将节点拖到画布上，或按回车键添加到中央</translation>
    </message>
  </context>
  <context>
    <name>Minimap</name>
    <message>
      <location filename="../../designer/flow/minimap.py" line="28" />
      <source>Minimap</source>
      <translation>缩略图</translation>
    </message>
    <message>
      <location filename="../../designer/flow/minimap.py" line="29" />
      <source>Overview: click or drag to move the canvas</source>
      <translation>全局视图：单击或拖动以移动画布</translation>
    </message>
  </context>
</TS>