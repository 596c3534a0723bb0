/* Widget texts. English and Chinese; the frame picks by data-lang or navigator.language. */
window.SB_I18N = {
  en: {
    title: "Chat with us", close: "Close", end: "End chat", name: "Name", email: "Email", phone: "Phone",
    message: "How can we help?", start: "Start chat", send: "Send", attach: "Attach a file",
    placeholder: "Type a message…", typing: "{name} is typing…", agent: "Agent", you: "You",
    connecting: "Connecting…", reconnecting: "Connection lost. Reconnecting…",
    offline_intro: "We are offline right now. Leave a message and we will get back to you.",
    offline_send: "Leave a message", offline_done: "Thank you! We will reply as soon as we can.",
    rate_title: "How was this conversation?", rate_comment: "Anything to add? (optional)",
    rate_send: "Send rating", rate_done: "Thanks for your feedback!", new_chat: "Start a new chat",
    waiting: "Waiting for an agent…", bot: "Our assistant is answering", joined: "You are chatting with {name}", ended: "The conversation has ended.",
    sending: "Sending…", delivered: "Delivered", read: "Read", failed: "Not sent", too_big: "The file is too large (max {max}).",
    bad_type: "This type of file is not accepted.", slow_down: "You are sending too fast; please wait a moment.",
    required: "Required", upload_failed: "The upload failed.", error: "Something went wrong: {msg}",
    left: "You left the conversation."
  },
  zh: {
    title: "在线客服", close: "关闭", end: "结束对话", name: "姓名", email: "邮箱", phone: "手机",
    message: "请问有什么可以帮您？", start: "开始咨询", send: "发送", attach: "添加附件",
    placeholder: "输入消息…", typing: "{name} 正在输入…", agent: "客服", you: "我",
    connecting: "正在连接…", reconnecting: "连接已断开，正在重新连接…",
    offline_intro: "客服暂时不在线。请留言，我们会尽快回复您。",
    offline_send: "提交留言", offline_done: "谢谢！我们会尽快回复您。",
    rate_title: "请为本次服务评分", rate_comment: "还有什么想说的吗？（可选）",
    rate_send: "提交评价", rate_done: "感谢您的评价！", new_chat: "开始新的对话",
    waiting: "正在为您接通客服…", bot: "智能助手为您服务", joined: "{name} 正在为您服务", ended: "对话已结束。",
    sending: "发送中…", delivered: "已送达", read: "已读", failed: "发送失败", too_big: "文件太大（最大 {max}）。",
    bad_type: "不支持此类型的文件。", slow_down: "发送太快了，请稍等。",
    required: "必填", upload_failed: "上传失败。", error: "出错了：{msg}",
    left: "您已离开对话。"
  }
};
