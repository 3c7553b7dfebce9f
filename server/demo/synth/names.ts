/**
 * Chinese personal names.
 *
 * Surname weights follow the national frequency ranking (per cent of the population, rounded), nudged
 * towards Shandong: northern surnames such as 王 李 张 刘 孙 于 高 are more common there and southern
 * ones (黄 林 梁 覃 韦 黎 莫) much rarer than nationally. Given names are mostly two characters; the
 * style follows the birth decade (建国 and 秀英 for the old, 子涵 and 梓轩 for children).
 */
import { type Rng, WeightedTable } from './random.ts';

const SURNAMES: [string, number][] = [
  ['王', 8.6], ['李', 7.9], ['张', 7.4], ['刘', 5.9], ['陈', 3.2], ['杨', 3.0], ['黄', 1.0], ['赵', 2.6], ['吴', 1.7], ['周', 1.7],
  ['徐', 1.6], ['孙', 2.3], ['马', 1.5], ['朱', 1.3], ['胡', 1.0], ['郭', 1.3], ['何', 0.6], ['林', 0.5], ['高', 1.6], ['罗', 0.5],
  ['郑', 0.7], ['梁', 0.5], ['谢', 0.4], ['宋', 1.0], ['唐', 0.5], ['许', 0.7], ['韩', 0.9], ['冯', 0.7], ['邓', 0.4], ['曹', 0.8],
  ['彭', 0.4], ['曾', 0.2], ['肖', 0.4], ['田', 0.8], ['董', 0.8], ['袁', 0.4], ['潘', 0.4], ['于', 1.2], ['蒋', 0.3], ['蔡', 0.3],
  ['余', 0.3], ['杜', 0.6], ['叶', 0.3], ['程', 0.5], ['苏', 0.5], ['魏', 0.7], ['吕', 0.6], ['丁', 0.6], ['任', 0.6], ['沈', 0.3],
  ['姚', 0.3], ['卢', 0.4], ['姜', 0.8], ['崔', 0.7], ['钟', 0.2], ['谭', 0.2], ['陆', 0.2], ['汪', 0.2], ['范', 0.5], ['金', 0.3],
  ['石', 0.4], ['廖', 0.1], ['贾', 0.5], ['夏', 0.2], ['韦', 0.05], ['付', 0.4], ['方', 0.3], ['白', 0.3], ['邹', 0.2], ['孟', 0.6],
  ['熊', 0.1], ['秦', 0.3], ['邱', 0.2], ['江', 0.2], ['尹', 0.3], ['薛', 0.4], ['闫', 0.4], ['段', 0.3], ['雷', 0.2], ['侯', 0.4],
  ['龙', 0.1], ['史', 0.3], ['陶', 0.2], ['黎', 0.05], ['贺', 0.2], ['顾', 0.1], ['毛', 0.2], ['郝', 0.3], ['龚', 0.1], ['邵', 0.3],
  ['万', 0.2], ['钱', 0.1], ['严', 0.1], ['覃', 0.02], ['武', 0.4], ['戴', 0.2], ['莫', 0.02], ['孔', 0.5], ['向', 0.05], ['汤', 0.1],
  // Common in Shandong though outside the national top 100.
  ['邢', 0.3], ['房', 0.2], ['牛', 0.25], ['岳', 0.2], ['庞', 0.15], ['乔', 0.2], ['齐', 0.2], ['鲁', 0.2], ['柴', 0.1], ['宫', 0.15],
  ['单', 0.1], ['葛', 0.15], ['栾', 0.08], ['隋', 0.08], ['纪', 0.15], ['聂', 0.1], ['相', 0.05], ['展', 0.05], ['逯', 0.05], ['亓', 0.08],
  // Compound surnames, rare.
  ['欧阳', 0.02], ['司马', 0.005], ['上官', 0.005], ['诸葛', 0.005], ['东方', 0.003], ['皇甫', 0.004], ['公孙', 0.002], ['司徒', 0.003], ['令狐', 0.002], ['慕容', 0.002],
];

const SURNAME_TABLE = new WeightedTable(SURNAMES.map((s) => s[0]), SURNAMES.map((s) => s[1]));

/** Every surname the generator can produce, most frequent first in the national ranking. */
export const SURNAME_LIST: readonly string[] = [...new Set(SURNAMES.map((s) => s[0]))];

export function surname(rng: Rng): string {
  return rng.draw(SURNAME_TABLE);
}

interface NameStyle {
  /** Share of one-character given names in this cohort. */
  single: number;
  /** Share of names taken whole from the list of typical names (the rest are composed from parts). */
  whole: number;
  male: { single: string; first: string; second: string; whole: string[] };
  female: { single: string; first: string; second: string; whole: string[] };
}

const w = (s: string) => s.split(' ');

// Characters that both boys and girls receive; mixed into the composed names of every cohort after 1970.
const NEUTRAL_FIRST = '文明晓子一梓雨思佳嘉安宁';
const NEUTRAL_SECOND = '文宁安然一清源晨';

const STYLES: { until: number; style: NameStyle }[] = [
  {
    until: 1949,
    style: {
      single: 0.04, whole: 0.45,
      male: { single: '福贵山林和顺', first: '德福宝长玉振树金永庆文广洪继世清兆立学春守传', second: '山林才贵福田成发祥海荣亭泉堂明财生义忠和元', whole: w('德福 宝山 长贵 福成 玉田 树林 金生 永庆 振华 广才 洪亮 兆祥 立本 守义 传福 德胜 福田 春林') },
      female: { single: '英兰珍', first: '秀桂玉淑凤翠素金兰月春瑞荣', second: '英兰珍芳云荣花梅芝霞琴香莲娥贞', whole: w('秀英 桂英 玉兰 淑珍 凤英 桂兰 秀兰 翠花 素珍 玉珍 秀云 桂芝 玉梅 淑兰 凤兰 金凤 月娥 兰英') },
    },
  },
  {
    until: 1969,
    style: {
      single: 0.12, whole: 0.4,
      male: { single: '军伟强刚华平勇明斌林', first: '建国卫志立振永红跃爱新文德胜庆', second: '国华军民平东强刚明伟林生忠成峰', whole: w('建国 建华 建军 国庆 卫东 卫国 红军 援朝 国强 志刚 建平 建民 跃进 东升 向东 胜利 国华 振国 立新 爱民') },
      female: { single: '红萍霞华丽梅燕英', first: '秀淑桂玉红丽凤爱美素金春彩', second: '珍芬芳梅霞华兰英琴荣云萍红娟', whole: w('秀珍 淑芬 桂芳 玉梅 红梅 秀梅 丽华 桂香 建华 红霞 秀云 玉华 淑琴 凤霞 卫红 爱华 美华 春燕') },
    },
  },
  {
    until: 1984,
    style: {
      single: 0.3, whole: 0.3,
      male: { single: '伟强磊军勇涛斌超鹏杰刚辉峰亮健波明东', first: '志海建晓春文永国立俊宏学金明云', second: '强刚军伟峰勇涛斌辉明东华波林鹏', whole: w('志强 海涛 建军 晓东 春雷 文斌 永刚 国栋 立新 俊杰 宏伟 学军 金龙 明亮 云峰') },
      female: { single: '丽静敏燕艳娟霞芳娜红颖琳萍玲莉洁', first: '丽晓海春秀红美玉彩艳雪静慧小', second: '娟燕霞红梅丽芳萍玲敏华琴艳静', whole: w('丽娟 晓燕 海燕 春梅 秀丽 红霞 丽丽 美玲 雪梅 晓红 静静 慧敏 艳红 玉洁') },
    },
  },
  {
    until: 1999,
    style: {
      single: 0.25, whole: 0.3,
      male: { single: '磊鑫浩宇帅杰超鹏阳博晨凯旭龙亮', first: '俊浩宇志文晓明子家佳嘉天一鹏泽', second: '杰鹏宇浩涛辉龙飞超伟强磊鑫博帆阳', whole: w('家豪 俊杰 浩然 志强 晓东 鹏飞 宇航 天宇 嘉伟 文博 一鸣 泽宇') },
      female: { single: '婷雪倩静丹佳颖璐琳悦莹蕾晶欣', first: '晓雅佳静婷梦欣雪丽文思诗玉慧', second: '婷雪琳丽倩颖静洁蕾璐雯敏慧宁琪', whole: w('婷婷 丹丹 晶晶 莹莹 佳琪 雅婷 梦瑶 欣怡 思雨 文静 晓雪 雪莹') },
    },
  },
  {
    until: 2009,
    style: {
      single: 0.12, whole: 0.3,
      male: { single: '浩宇轩博涛航阳睿哲鑫', first: '浩宇俊子家天博嘉一志晨文明梓皓', second: '宇轩然杰博阳辰航泽浩睿凯鑫伟豪', whole: w('浩然 宇航 子豪 俊杰 博文 天宇 嘉豪 一帆 晨阳 宇轩') },
      female: { single: '欣悦琪涵怡雪萌瑶琳妍', first: '欣思雨佳梦雅诗可紫心晓子一语', second: '怡琪雨涵悦彤瑶婷萱妍琳然馨茹蕊', whole: w('欣怡 思雨 雨涵 梦瑶 佳怡 诗涵 可欣 紫涵 心怡 雅琪') },
    },
  },
  {
    until: 9999,
    style: {
      single: 0.06, whole: 0.35,
      male: { single: '轩睿辰泽航宸', first: '子梓宇浩俊一沐奕宸承铭皓嘉思景明锦', second: '轩涵辰睿泽宇航然阳熙铭霖瑞杰豪宸恒', whole: w('梓轩 子涵 浩宇 宇轩 子墨 沐阳 奕辰 俊熙 梓睿 一鸣 宇泽 浩然 皓轩 承泽 锦程') },
      female: { single: '涵萱彤琪诺汐', first: '子梓欣雨一诗可语思若佳依芷沐书', second: '涵萱彤琪怡桐诺汐晴瑶妍宁然悦溪', whole: w('子涵 梓涵 一诺 欣怡 雨桐 诗涵 可馨 梓萱 若汐 语桐 思彤 芷若 依诺 书瑶') },
    },
  },
];

function styleFor(birthYear: number): NameStyle {
  for (const s of STYLES) if (birthYear <= s.until) return s.style;
  return STYLES[STYLES.length - 1].style;
}

const charAt = (rng: Rng, chars: string) => chars[Math.floor(rng.float() * chars.length)];

/** A given name in the style of the birth year: mostly two characters, some one. */
export function givenName(rng: Rng, gender: 'male' | 'female', birthYear: number): string {
  const style = styleFor(birthYear);
  const pool = gender === 'male' ? style.male : style.female;
  const x = rng.float();
  if (x < style.single) return charAt(rng, pool.single);
  if (x < style.single + (1 - style.single) * style.whole) return rng.pick(pool.whole);
  const neutral = birthYear >= 1970 && rng.chance(0.12);
  const a = neutral ? charAt(rng, NEUTRAL_FIRST) : charAt(rng, pool.first);
  let b = charAt(rng, pool.second);
  if (b === a) b = charAt(rng, neutral ? NEUTRAL_SECOND : pool.second);
  // Reduplicated names (婷婷, 丹丹) are a 1980s–90s girls' fashion and otherwise rare.
  if (b === a && !(gender === 'female' && birthYear >= 1975 && birthYear < 2000)) b = charAt(rng, pool.second);
  return a + b;
}

export function fullName(rng: Rng, gender: 'male' | 'female', birthYear: number, familyName = surname(rng)): string {
  return familyName + givenName(rng, gender, birthYear);
}
