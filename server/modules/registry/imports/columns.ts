import type { ImportKind, Occupancy, PoliticalStatus, Relation } from '../tables.ts';

/**
 * The spreadsheet layouts communities already use. Headers are matched by their Chinese name or an
 * alias, ignoring spaces, punctuation, "*" marks and bracketed notes ("身份证号（必填）"), so a
 * community's own 台账 usually imports as it is. The same names head the template and the export.
 */
export interface ColumnDef {
  key: string;
  header: string;
  aliases: string[];
  required?: boolean;
  /** shown in the template's instructions sheet */
  note: string;
}

const col = (key: string, header: string, aliases: string[], note: string, required = false): ColumnDef => ({ key, header, aliases, note, required });

const PLACE_COLUMNS = [
  col('compound', '小区', ['小区名称', '所在小区', '小区名'], '小区名称，须已在系统中登记；本辖区楼号唯一时可不填'),
  col('building', '楼栋', ['楼号', '楼栋号', '楼', '栋', '幢'], '如 3号楼、3栋、三号楼'),
  col('unit', '单元', ['单元号'], '如 2单元、二单元、2；无单元可不填'),
  col('room', '房号', ['门牌号', '房间号', '室', '户号'], '如 501、501室；也可写 2单元501、2-501'),
];

export const COLUMNS: Record<ImportKind, ColumnDef[]> = {
  residents: [
    col('name', '姓名', ['名字', '居民姓名', '人员姓名'], '必填', true),
    col('idNumber', '身份证号', ['公民身份号码', '身份证号码', '证件号码', '身份证', '证件号'], '必填，18 位；请把本列设为“文本”格式，以免 Excel 把号码变成科学计数', true),
    col('phone', '手机', ['联系电话', '手机号码', '手机号', '电话', '联系方式'], '11 位手机号'),
    col('gender', '性别', [], '男/女；与身份证号不符时报错'),
    col('birthDate', '出生日期', ['出生年月日', '生日'], '如 1985-03-15；与身份证号不符时报错'),
    col('ethnicity', '民族', [], '如 汉族、回族'),
    col('politicalStatus', '政治面貌', [], '中共党员 / 中共预备党员 / 共青团员 / 民主党派 / 群众'),
    ...PLACE_COLUMNS,
    col('relation', '与户主关系', ['关系', '与户主的关系', '家庭关系'], '户主 / 配偶 / 子女 / 父母 / 孙辈 / 兄弟姐妹 / 租户 / 其他'),
    col('area', '面积', ['建筑面积', '房屋面积', '面积（㎡）'], '平方米'),
    col('occupancy', '居住情况', ['房屋状态', '居住类型', '房屋性质'], '自住 / 出租 / 空置'),
    col('registeredAddress', '户籍地址', ['户籍地', '户口所在地', '户籍所在地', '户籍地详址'], '与居住地址不同即为人户分离'),
    col('tags', '重点人群', ['人员类别', '特殊人群', '标签', '重点人员类别'], '多个用逗号或顿号分隔，如 独居老人、低保'),
    col('movedInOn', '入住日期', ['迁入日期', '入户日期'], '不填则为导入当天'),
  ],
  households: [
    ...PLACE_COLUMNS.map((c) => (c.key === 'building' || c.key === 'room' ? { ...c, required: true } : c)),
    col('floor', '楼层', ['所在楼层', '层'], '数字'),
    col('area', '面积', ['建筑面积', '房屋面积'], '平方米'),
    col('occupancy', '居住情况', ['房屋状态', '居住类型', '房屋性质'], '自住 / 出租 / 空置'),
  ],
  buildings: [
    col('compound', '小区', ['小区名称', '所在小区', '小区名'], '小区名称，须已在系统中登记；沿街独栋可不填'),
    col('building', '楼栋', ['楼号', '楼栋号', '楼', '栋', '幢'], '必填，如 3号楼', true),
    col('grid', '网格', ['网格编号', '所属网格', '网格名称'], '必填：15 位网格编号或网格名称', true),
    col('floors', '层数', ['总层数', '楼层数'], '数字'),
    col('unitCount', '单元数', ['单元数量'], '数字'),
    col('address', '地址', ['楼栋地址', '详细地址'], ''),
  ],
};

export const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .trim();

/** Matches a header row against a layout: column index → field key, plus what is missing or unknown. */
export function matchHeaders(kind: ImportKind, headers: string[]) {
  const defs = COLUMNS[kind];
  const lookup = new Map<string, string>();
  for (const d of defs) for (const name of [d.header, ...d.aliases]) lookup.set(headerKey(name), d.key);
  const byIndex = new Map<number, string>();
  const seen = new Set<string>();
  const unknown: string[] = [];
  headers.forEach((h, i) => {
    const key = lookup.get(headerKey(h ?? ''));
    if (!key) {
      if (h && h.trim()) unknown.push(h.trim());
      return;
    }
    if (seen.has(key)) return; // the first of two columns with the same meaning wins
    seen.add(key);
    byIndex.set(i, key);
  });
  const missing = defs.filter((d) => d.required && !seen.has(d.key)).map((d) => d.header);
  return { byIndex, missing, unknown, matched: Object.fromEntries([...byIndex.entries()].map(([i, k]) => [headers[i].trim(), k])) };
}

const table = <T extends string>(pairs: [T, string[]][]) => {
  const m = new Map<string, T>();
  for (const [value, words] of pairs) for (const w of words) m.set(w, value);
  return (raw: string): T | null => m.get(raw.replace(/\s+/g, '')) ?? null;
};

export const parseGender = table<'male' | 'female'>([['male', ['男', '男性', 'M', 'm']], ['female', ['女', '女性', 'F', 'f']]]);

export const parsePolitical = table<PoliticalStatus>([
  ['party_member', ['中共党员', '党员', '中国共产党党员', 'party_member']],
  ['probationary_party_member', ['中共预备党员', '预备党员', 'probationary_party_member']],
  ['league_member', ['共青团员', '团员', 'league_member']],
  ['democratic_party', ['民主党派', '民革党员', '民盟盟员', '民建会员', '民进会员', '农工党党员', '致公党党员', '九三学社社员', '台盟盟员', 'democratic_party']],
  ['masses', ['群众', '无', '无党派人士', 'masses']],
]);

export const parseRelation = table<Relation>([
  ['head', ['户主', '本人', '业主', 'head']],
  ['spouse', ['配偶', '妻', '夫', '妻子', '丈夫', '夫妻', 'spouse']],
  ['child', ['子女', '子', '女', '儿子', '女儿', '长子', '长女', '次子', '次女', '独生子', '独生女', 'child']],
  ['parent', ['父母', '父亲', '母亲', '父', '母', '公公', '婆婆', '岳父', '岳母', 'parent']],
  ['grandchild', ['孙辈', '孙子', '孙女', '外孙', '外孙女', 'grandchild']],
  ['sibling', ['兄弟姐妹', '兄', '弟', '姐', '妹', '哥哥', '弟弟', '姐姐', '妹妹', 'sibling']],
  ['tenant', ['租户', '租客', '承租人', 'tenant']],
  ['other', ['其他', '其它', '亲属', '保姆', 'other']],
]);

export const parseOccupancy = table<Occupancy>([
  ['owner', ['自住', '业主自住', '自有', '业主', 'owner']],
  ['tenant', ['出租', '租住', '租户', '租赁', 'tenant']],
  ['vacant', ['空置', '空房', '闲置', 'vacant']],
]);

export const RELATION_ZH: Record<Relation, string> = { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙辈', sibling: '兄弟姐妹', tenant: '租户', other: '其他' };
export const POLITICAL_ZH: Record<PoliticalStatus, string> = { party_member: '中共党员', probationary_party_member: '中共预备党员', league_member: '共青团员', democratic_party: '民主党派', masses: '群众' };
export const OCCUPANCY_ZH: Record<Occupancy, string> = { owner: '自住', tenant: '出租', vacant: '空置' };

/** Care tag names as people write them: the official name, short forms, or the code. */
export const TAG_ALIASES: Record<string, string[]> = {
  elderly_alone: ['独居', '独居老人', '空巢独居'],
  advanced_age: ['高龄', '高龄老人', '80岁以上'],
  subsistence_allowance: ['低保', '低保户', '最低生活保障'],
  extreme_poverty: ['特困', '特困人员', '特困供养'],
  disabled: ['残疾', '残疾人', '残障'],
  veteran: ['退役军人', '退伍军人', '复员军人'],
  left_behind_child: ['留守儿童'],
  key_attention: ['重点关注', '重点人员'],
};

/** Dates as spreadsheets hold them: 1985-03-15, 1985/3/15, 1985.3.15, 19850315, 1985年3月15日. */
export function parseDateCell(raw: string): string | null | 'impossible' {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(raw.trim()) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return 'impossible';
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Spreadsheet cells that start like a formula are written with a leading apostrophe (CSV/formula injection). */
export function neutralizeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
