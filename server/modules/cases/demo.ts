import type { Ctx } from "../../platform/context.ts"; import type { DemoRefs } from "../../platform/module.ts"; import type { SynthCity } from "../../demo/synth/types.ts";
export async function loadDemoCases(_ctx: Ctx, _city: SynthCity, _refs: DemoRefs) {}
