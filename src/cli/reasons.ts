/** Texts for the `reason` codes inside NAME_INVALID and RECORD_INVALID evidence, and of DDNS address sources (ddns/ip/reasons.ts). */
import type { IpSourceReason } from '../ddns/ip/reasons.ts';
import type { NameInvalidReason } from '../dns/names.ts';
import type { RecordInvalidReason } from '../dns/rdata.ts';
import type { Lang } from './messages.ts';

type Reason = NameInvalidReason | RecordInvalidReason | IpSourceReason;

const TEXT: Record<Lang, Record<Reason, string>> = {
  en: {
    empty: 'the name is empty',
    'empty-label': 'it has an empty label (two dots in a row)',
    'label-too-long': 'a label is longer than 63 octets',
    'name-too-long': 'the name is longer than 253 characters',
    'wildcard-not-leftmost': '`*` may only be the whole leftmost label',
    'invalid-character': 'it contains a character that is not allowed',
    'idn-invalid': 'the internationalised label cannot be converted to punycode',
    'outside-zone': 'the name is outside the zone',
    'type-unknown': 'unknown record type',
    'ipv4-invalid': 'not an IPv4 address',
    'ipv6-invalid': 'not an IPv6 address',
    'txt-text-outside-quotes': 'TXT: text outside the quoted strings',
    'txt-dangling-escape': 'TXT: a backslash at the end',
    'txt-unterminated': 'TXT: a quoted string is not closed',
    'txt-chunk-too-long': 'TXT: one string is longer than 255 octets (split it into quoted strings)',
    'txt-too-long': 'TXT: the record is longer than 65535 octets',
    'target-empty': 'the target name is empty',
    'target-invalid': 'the target is not a valid name',
    'mx-syntax': 'MX: expected "<preference> <exchange>"',
    'caa-syntax': 'CAA: expected "<flags> <tag> <value>"',
    'type-needs-generic-form': 'this type needs the generic form \\# <length> <hex>',
    'generic-length-mismatch': 'the length of the generic form does not match its data',
    // DDNS address sources
    'unspecified': 'the unspecified address',
    'this-network': '"this network" (0.0.0.0/8)',
    'private': 'a private address (RFC 1918)',
    'cgnat': 'a carrier-grade NAT address (100.64.0.0/10): the ISP shares a public address',
    'loopback': 'a loopback address',
    'link-local': 'a link-local address',
    'special-purpose': 'an IETF special-purpose address',
    'documentation': 'a documentation (example) address',
    'relay-anycast': 'the deprecated 6to4 relay anycast range',
    'benchmark': 'a benchmarking address (198.18.0.0/15 is also the fake-IP range of proxies)',
    'multicast': 'a multicast address',
    'broadcast': 'the broadcast address',
    'reserved': 'a reserved address, not global unicast',
    'ipv4-mapped': 'an IPv4-mapped IPv6 address (publish the IPv4 address in an A record)',
    'nat64': 'a NAT64 address (it stands for an IPv4 host behind a translator)',
    'discard': 'a discard-only address',
    'teredo': 'a Teredo tunnel address',
    '6to4': 'a 6to4 tunnel address (derived from an IPv4 address)',
    'ula': 'a unique local address (fc00::/7)',
    'site-local': 'a site-local address (deprecated)',
    'wrong-family': 'an address of the other family',
    'not-an-address': 'not an address',
    'zone-id': 'an address with a zone id (%...), meaningful on one link only',
    'empty-answer': 'an empty answer',
    'not-text': 'not UTF-8 text',
    'html': 'an HTML page, not an address',
    'multiple-lines': 'several lines, not one address',
    'text-around-address': 'text around an address (a page that contains one is not an answer)',
    'json-invalid': 'not a JSON object',
    'json-field-missing': 'the JSON field is missing or not a string',
    'temporary': 'a temporary (privacy) address',
    'deprecated': 'a deprecated address (its preferred lifetime is over)',
    'tentative': 'tentative (duplicate address detection still running)',
    'dadfailed': 'duplicate address detection failed',
    'optimistic': 'optimistic (duplicate address detection still running)',
    'not-global-scope': 'not of global scope',
    'timeout': 'no answer in time',
    'request-failed': 'the request failed',
    'http-status': 'the HTTP status is not 200',
    'bind-no-address': 'the bind interface has no address of this family',
    'exit-status': 'the command failed (non-zero exit)',
    'spawn-failed': 'the command could not be started',
    'output-too-large': 'the command printed more than 4 KiB',
    'interface-not-found': 'no such interface',
    'no-usable-address': 'no address of the interface can be published',
    'no-suffix-match': 'no address of the interface has the configured suffix',
    'suffix-mismatch': 'not the configured suffix',
    'flags-unavailable': 'the kernel address flags cannot be read here (/proc/net/if_inet6, Linux only)',
    'read-failed': 'the kernel address table cannot be read',
    'disagrees': 'answered another address than the chosen one',
    'not-confirmed': 'too few sources answered the same address',
  },
  'zh-CN': {
    empty: '域名为空',
    'empty-label': '含有空标签（连续两个点）',
    'label-too-long': '有标签超过 63 字节',
    'name-too-long': '域名超过 253 个字符',
    'wildcard-not-leftmost': '`*` 只能作为最左侧的完整标签',
    'invalid-character': '含有不允许的字符',
    'idn-invalid': '国际化标签无法转换为 punycode',
    'outside-zone': '域名不在该区域内',
    'type-unknown': '未知的记录类型',
    'ipv4-invalid': '不是合法的 IPv4 地址',
    'ipv6-invalid': '不是合法的 IPv6 地址',
    'txt-text-outside-quotes': 'TXT：引号外有多余文字',
    'txt-dangling-escape': 'TXT：末尾有多余的反斜杠',
    'txt-unterminated': 'TXT：引号未闭合',
    'txt-chunk-too-long': 'TXT：单段超过 255 字节（请拆成多段带引号的字符串）',
    'txt-too-long': 'TXT：记录超过 65535 字节',
    'target-empty': '目标域名为空',
    'target-invalid': '目标不是合法的域名',
    'mx-syntax': 'MX：格式应为 "<优先级> <邮件服务器>"',
    'caa-syntax': 'CAA：格式应为 "<flags> <tag> <value>"',
    'type-needs-generic-form': '该类型需使用通用格式 \\# <长度> <十六进制>',
    'generic-length-mismatch': '通用格式的长度与数据不符',
    // DDNS 地址来源
    'unspecified': '未指定地址',
    'this-network': '“本网络”地址（0.0.0.0/8）',
    'private': '私有地址（RFC 1918）',
    'cgnat': '运营商级 NAT 地址（100.64.0.0/10）：运营商共用公网地址',
    'loopback': '环回地址',
    'link-local': '链路本地地址',
    'special-purpose': 'IETF 特殊用途地址',
    'documentation': '文档示例地址',
    'relay-anycast': '已废弃的 6to4 中继任播地址段',
    'benchmark': '基准测试地址（198.18.0.0/15 也是代理软件 fake-IP 的地址段）',
    'multicast': '组播地址',
    'broadcast': '广播地址',
    'reserved': '保留地址，不是全球单播地址',
    'ipv4-mapped': 'IPv4 映射的 IPv6 地址（IPv4 地址请用 A 记录发布）',
    'nat64': 'NAT64 地址（代表转换器后面的 IPv4 主机）',
    'discard': '丢弃专用地址',
    'teredo': 'Teredo 隧道地址',
    '6to4': '6to4 隧道地址（由 IPv4 地址派生）',
    'ula': '唯一本地地址（fc00::/7）',
    'site-local': '站点本地地址（已废弃）',
    'wrong-family': '地址族不符',
    'not-an-address': '不是 IP 地址',
    'zone-id': '带区域标识（%...）的地址，仅在单条链路上有效',
    'empty-answer': '应答为空',
    'not-text': '不是 UTF-8 文本',
    'html': '是 HTML 页面，不是地址',
    'multiple-lines': '有多行内容，不是单个地址',
    'text-around-address': '地址前后还有其他文字（含有地址的页面不算应答）',
    'json-invalid': '不是 JSON 对象',
    'json-field-missing': 'JSON 字段缺失或不是字符串',
    'temporary': '临时（隐私）地址',
    'deprecated': '已弃用的地址（首选生存期已过）',
    'tentative': '暂定地址（重复地址检测进行中）',
    'dadfailed': '重复地址检测失败',
    'optimistic': '乐观地址（重复地址检测进行中）',
    'not-global-scope': '不是全局范围的地址',
    'timeout': '未及时应答',
    'request-failed': '请求失败',
    'http-status': 'HTTP 状态码不是 200',
    'bind-no-address': '绑定的接口没有该地址族的地址',
    'exit-status': '命令失败（退出码非零）',
    'spawn-failed': '命令无法启动',
    'output-too-large': '命令输出超过 4 KiB',
    'interface-not-found': '没有该网络接口',
    'no-usable-address': '该接口没有可发布的地址',
    'no-suffix-match': '该接口没有带所配置后缀的地址',
    'suffix-mismatch': '不是所配置的后缀',
    'flags-unavailable': '此处无法读取内核地址标志（/proc/net/if_inet6，仅限 Linux）',
    'read-failed': '无法读取内核地址表',
    'disagrees': '应答的地址与选定的地址不同',
    'not-confirmed': '应答同一地址的来源不足',
  },
};

/** The text of a reason code, or the code itself when it is not one we know. */
export function reasonText(lang: Lang, reason: unknown): string {
  if (typeof reason !== 'string') return '?';
  return (TEXT[lang] as Record<string, string>)[reason] ?? reason;
}

/**
 * The sources of IP_QUORUM_NOT_REACHED evidence, one "source: answer
 * (reason, error code)" each, joined with `sep`.
 */
export function ipSourceList(lang: Lang, v: unknown, sep: string): string {
  if (!Array.isArray(v)) return '?';
  return v
    .map((x: unknown) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x)) return String(x);
      const e = x as Record<string, unknown>;
      const answer = typeof e['answer'] === 'string' ? ` ${e['answer']}` : '';
      const why = [e['reason'] === undefined ? undefined : reasonText(lang, e['reason']), typeof e['errorCode'] === 'string' ? e['errorCode'] : undefined, typeof e['status'] === 'number' ? `HTTP ${e['status']}` : undefined]
        .filter((w) => w !== undefined)
        .join(', ');
      return `${typeof e['source'] === 'string' ? e['source'] : '?'}:${answer}${why === '' ? '' : ` (${why})`}`;
    })
    .join(sep);
}
