/** Synthetic-city generator: public entry point. */
export { generateCity, planCity, chineseNumber, DEFAULT_SEED, DEFAULT_AS_OF, DEFAULT_RESIDENTS, HOUSEHOLDS_PER_GRID, type CityPlan } from './city.ts';
export { Rng, createRng, WeightedTable, weightedTable, hashString, mix32 } from './random.ts';
export { idCheckChar, makeIdNumber, parseIdNumber, isValidIdNumber, IdNumberAllocator, type ParsedIdNumber } from './id-number.ts';
export { isValidMobile, PhoneAllocator, RESERVED_PHONES } from './phones.ts';
export { surname, givenName, fullName, SURNAME_LIST } from './names.ts';
export { isValidCreditCode, creditCheckChar, orgCodeCheckChar, randomCreditCode } from './credit-code.ts';
export { rectPolygon, rectOfPolygon, ringArea, rectsOverlap, rectContains, pointStrictlyInside, type Rect } from './geometry.ts';
export type * from './types.ts';
