// English and Chinese. The choice is a preference, not data: it is kept in localStorage.

const STRINGS = {
  en: {
    'lang.switch': '中文',
    'nav.overview': 'Overview', 'nav.keys': 'Sub-keys', 'nav.usage': 'Usage', 'nav.audit': 'Moderation audit',
    'nav.config': 'Configuration', 'signout': 'Sign out',
    'signin.title': 'Sign in', 'signin.token': 'Admin token', 'signin.submit': 'Sign in',
    'signin.help': 'The ADMIN_TOKEN of this relay. It is kept in this browser tab only and sent with every call.',
    'signin.refused': 'The admin token was refused.', 'signin.failed': 'The relay could not be reached: {0}',
    'loading': 'Loading…', 'error': 'Error: {0}', 'updated': 'Updated {0}', 'none': 'None',
    'ov.rps': 'Requests per second', 'ov.streams': 'Open streams', 'ov.total': 'Requests since start',
    'ov.errors': 'Errors (4xx / 5xx)', 'ov.verdicts': 'Verdicts per minute', 'ov.cuts': 'Cuts per minute',
    'ov.cutsTotal': 'Cuts since start: {0} blocked, {1} unavailable', 'ov.verdictsTotal': 'pass {0} · review {1} · block {2}',
    'ov.moderator': 'Moderator', 'ov.levels': 'default {0}, minimum {1}, fail {2}', 'ov.failures': 'Moderator failures: {0}',
    'ov.window': 'over the last {0} s', 'ov.noWindow': 'rates appear after the next refresh',
    'ov.upstreams': 'Upstreams', 'ov.upstream': 'Upstream', 'ov.status': 'Status', 'ov.failuresInRow': 'Failures in a row',
    'ov.keys': 'Keys', 'ov.key': 'Key', 'ov.state': 'State', 'ov.reason': 'Why', 'ov.until': 'Until',
    'ov.noKeys': 'clients bring their own keys', 'ov.enable': 'Enable', 'ov.rpsChart': 'Requests per second (this view)', 'ov.rpsPeak': '{0} · peak {1}',
    'keys.title': 'Sub-keys', 'keys.filter': 'Filter by name, id or hint', 'keys.status': 'Status', 'keys.all': 'All',
    'keys.create': 'Create a sub-key', 'keys.edit': 'Edit {0}', 'keys.save': 'Save', 'keys.cancel': 'Cancel',
    'keys.name': 'Name', 'keys.expires': 'Expires at', 'keys.remaining': 'Remaining requests', 'keys.rpm': 'Requests per minute',
    'keys.allowedModels': 'Allowed models', 'keys.deniedModels': 'Denied models', 'keys.endpoints': 'Allowed endpoints',
    'keys.floor': 'Moderation floor', 'keys.floorOff': 'relay policy', 'keys.budgets': 'Budgets',
    'keys.tokenBudget': 'Token budget', 'keys.tokensPerDay': 'Tokens per day', 'keys.tokensPerMonth': 'Tokens per month',
    'keys.tokensPerMinute': 'Tokens per minute', 'keys.spendBudget': 'Spend budget',
    'keys.listHint': 'comma-separated; globs like gpt-4o*', 'keys.blankNoLimit': 'blank: no limit',
    'keys.endpointsHint': 'groups or endpoint names, comma-separated; blank: the defaults',
    'keys.secretOnce': 'The new key, shown this once. Copy it now: the relay keeps only its hash.',
    'keys.copy': 'Copy', 'keys.copied': 'Copied', 'keys.copyFailed': 'Select the key and copy it by hand',
    'keys.id': 'Id', 'keys.hint': 'Hint', 'keys.used': 'Used', 'keys.lastUsed': 'Last used', 'keys.limits': 'Limits',
    'keys.models': 'Models', 'keys.tokens': 'Tokens', 'keys.spend': 'Spend', 'keys.actions': 'Actions',
    'keys.revoke': 'Revoke', 'keys.confirmRevoke': 'Really revoke', 'keys.never': 'never', 'keys.empty': 'No sub-keys yet.',
    'keys.created': 'Created {0}.', 'keys.saved': 'Saved {0}.', 'keys.revoked': 'Revoked {0}.', 'keys.count': '{0} of {1} keys',
    'status.active': 'active', 'status.expired': 'expired', 'status.revoked': 'revoked', 'status.exhausted': 'exhausted',
    'usage.title': 'Usage', 'usage.from': 'From', 'usage.to': 'To', 'usage.key': 'Sub-key id', 'usage.model': 'Model',
    'usage.groupBy': 'Group by', 'usage.day': 'day', 'usage.show': 'Show', 'usage.csv': 'Export CSV',
    'usage.missing': 'This relay does not record usage yet (GET /admin/usage is not there).',
    'usage.requests': 'Requests', 'usage.prompt': 'Prompt tokens', 'usage.completion': 'Completion tokens',
    'usage.cached': 'Cached', 'usage.reasoning': 'Reasoning', 'usage.estimated': 'Estimated', 'usage.cost': 'Cost',
    'usage.totals': 'Totals', 'usage.chartTokens': 'Tokens', 'usage.empty': 'No usage in this range.',
    'audit.title': 'Moderation audit',
    'audit.help': 'The latest cuts and unmoderated releases, newest first (kept in memory, at most {0}). The text is never shown here.',
    'audit.time': 'Time', 'audit.request': 'Request id', 'audit.client': 'Key', 'audit.model': 'Model',
    'audit.outcome': 'Outcome', 'audit.label': 'Label', 'audit.subLabel': 'Sub-label', 'audit.score': 'Score',
    'audit.source': 'Source', 'audit.frames': 'Frames', 'audit.empty': 'Nothing cut or let through unmoderated yet.',
    'audit.chat': 'Chat log entry', 'audit.close': 'Close', 'audit.reply': 'Reply', 'audit.requestBody': 'Request',
    'outcome.cut_blocked': 'cut (verdict)', 'outcome.cut_unavailable': 'cut (moderator unavailable)',
    'outcome.released_unmoderated': 'released unmoderated', 'outcome.input_cut_blocked': 'input refused (verdict)',
    'outcome.input_cut_unavailable': 'input refused (moderator unavailable)',
    'outcome.input_released_unmoderated': 'input sent unmoderated',
    'config.title': 'Configuration', 'config.help': 'The settings this relay runs with; secrets show as {0}.',
    'config.reload': 'Reload IP rules and sub-keys',
    'config.reloaded': 'Reloaded: {0} whitelist and {1} blacklist entries, {2} trusted proxies, {3} sub-keys.',
  },
  zh: {
    'lang.switch': 'English',
    'nav.overview': '概览', 'nav.keys': '子密钥', 'nav.usage': '用量', 'nav.audit': '审核记录', 'nav.config': '配置',
    'signout': '退出',
    'signin.title': '登录', 'signin.token': '管理令牌', 'signin.submit': '登录',
    'signin.help': '本中继的 ADMIN_TOKEN。它只保存在当前浏览器标签页中，并随每次请求发送。',
    'signin.refused': '管理令牌被拒绝。', 'signin.failed': '无法连接中继：{0}',
    'loading': '加载中…', 'error': '错误：{0}', 'updated': '更新于 {0}', 'none': '无',
    'ov.rps': '每秒请求数', 'ov.streams': '进行中的流', 'ov.total': '启动以来的请求', 'ov.errors': '错误（4xx / 5xx）',
    'ov.verdicts': '每分钟审核结果', 'ov.cuts': '每分钟截断', 'ov.cutsTotal': '启动以来截断：拦截 {0}，审核不可用 {1}',
    'ov.verdictsTotal': '通过 {0} · 复审 {1} · 拦截 {2}', 'ov.moderator': '审核服务', 'ov.levels': '默认 {0}，最低 {1}，失败时 {2}',
    'ov.failures': '审核调用失败：{0}', 'ov.window': '最近 {0} 秒', 'ov.noWindow': '下次刷新后显示速率',
    'ov.upstreams': '上游', 'ov.upstream': '上游', 'ov.status': '状态', 'ov.failuresInRow': '连续失败', 'ov.keys': '密钥',
    'ov.key': '密钥', 'ov.state': '状态', 'ov.reason': '原因', 'ov.until': '直到', 'ov.noKeys': '由客户端自带密钥',
    'ov.enable': '启用', 'ov.rpsChart': '每秒请求数（本页）', 'ov.rpsPeak': '{0} · 峰值 {1}',
    'keys.title': '子密钥', 'keys.filter': '按名称、ID 或提示筛选', 'keys.status': '状态', 'keys.all': '全部',
    'keys.create': '创建子密钥', 'keys.edit': '编辑 {0}', 'keys.save': '保存', 'keys.cancel': '取消',
    'keys.name': '名称', 'keys.expires': '过期时间', 'keys.remaining': '剩余请求数', 'keys.rpm': '每分钟请求数',
    'keys.allowedModels': '允许的模型', 'keys.deniedModels': '禁止的模型', 'keys.endpoints': '允许的接口',
    'keys.floor': '审核下限', 'keys.floorOff': '中继策略', 'keys.budgets': '预算',
    'keys.tokenBudget': 'Token 总预算', 'keys.tokensPerDay': '每日 Token', 'keys.tokensPerMonth': '每月 Token',
    'keys.tokensPerMinute': '每分钟 Token', 'keys.spendBudget': '费用预算',
    'keys.listHint': '逗号分隔；可用通配符，如 gpt-4o*', 'keys.blankNoLimit': '留空：不限',
    'keys.endpointsHint': '接口组或接口名，逗号分隔；留空：默认值',
    'keys.secretOnce': '新密钥只显示这一次。请立即复制：中继只保存它的哈希。',
    'keys.copy': '复制', 'keys.copied': '已复制', 'keys.copyFailed': '请手动选中并复制密钥',
    'keys.id': 'ID', 'keys.hint': '提示', 'keys.used': '已用', 'keys.lastUsed': '最后使用', 'keys.limits': '限制',
    'keys.models': '模型', 'keys.tokens': 'Token', 'keys.spend': '费用', 'keys.actions': '操作',
    'keys.revoke': '吊销', 'keys.confirmRevoke': '确认吊销', 'keys.never': '永不', 'keys.empty': '还没有子密钥。',
    'keys.created': '已创建 {0}。', 'keys.saved': '已保存 {0}。', 'keys.revoked': '已吊销 {0}。', 'keys.count': '{0} / {1} 个密钥',
    'status.active': '有效', 'status.expired': '已过期', 'status.revoked': '已吊销', 'status.exhausted': '已用尽',
    'usage.title': '用量', 'usage.from': '从', 'usage.to': '到', 'usage.key': '子密钥 ID', 'usage.model': '模型',
    'usage.groupBy': '分组', 'usage.day': '日期', 'usage.show': '查询', 'usage.csv': '导出 CSV',
    'usage.missing': '此中继尚未记录用量（没有 GET /admin/usage）。',
    'usage.requests': '请求数', 'usage.prompt': '输入 Token', 'usage.completion': '输出 Token', 'usage.cached': '缓存',
    'usage.reasoning': '推理', 'usage.estimated': '估算', 'usage.cost': '费用', 'usage.totals': '合计',
    'usage.chartTokens': 'Token', 'usage.empty': '此时间段内没有用量。',
    'audit.title': '审核记录', 'audit.help': '最近的截断和未经审核放行的记录，最新的在前（保存在内存中，最多 {0} 条）。这里从不显示文本内容。',
    'audit.time': '时间', 'audit.request': '请求 ID', 'audit.client': '密钥', 'audit.model': '模型', 'audit.outcome': '结果',
    'audit.label': '标签', 'audit.subLabel': '子标签', 'audit.score': '分数', 'audit.source': '来源', 'audit.frames': '片段数',
    'audit.empty': '还没有被截断或未经审核放行的内容。', 'audit.chat': '对话日志', 'audit.close': '关闭', 'audit.reply': '回复',
    'audit.requestBody': '请求',
    'outcome.cut_blocked': '截断（审核结果）', 'outcome.cut_unavailable': '截断（审核不可用）',
    'outcome.released_unmoderated': '未经审核放行', 'outcome.input_cut_blocked': '输入被拒（审核结果）',
    'outcome.input_cut_unavailable': '输入被拒（审核不可用）', 'outcome.input_released_unmoderated': '输入未经审核发送',
    'config.title': '配置', 'config.help': '本中继当前生效的设置；密钥类内容显示为 {0}。', 'config.reload': '重新加载 IP 规则和子密钥',
    'config.reloaded': '已重新加载：白名单 {0} 条，黑名单 {1} 条，可信代理 {2} 个，子密钥 {3} 个。',
  },
};

const PREF = 'modrelay.console.lang';
let lang = localStorage.getItem(PREF) || ((navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
if (!STRINGS[lang]) lang = 'en';

export function current() { return lang; }

export function setLang(next) {
  lang = STRINGS[next] ? next : 'en';
  localStorage.setItem(PREF, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function t(key, ...args) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

export function keys(language) { return Object.keys(STRINGS[language]); }
