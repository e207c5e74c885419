/** Texts for the `reason` codes inside NAME_INVALID and RECORD_INVALID evidence. */
import type { NameInvalidReason } from '../dns/names.ts';
import type { RecordInvalidReason } from '../dns/rdata.ts';
import type { Lang } from './messages.ts';

type Reason = NameInvalidReason | RecordInvalidReason;

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
  },
};

/** The text of a reason code, or the code itself when it is not one we know. */
export function reasonText(lang: Lang, reason: unknown): string {
  if (typeof reason !== 'string') return '?';
  return (TEXT[lang] as Record<string, string>)[reason] ?? reason;
}
