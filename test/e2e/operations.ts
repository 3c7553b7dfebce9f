import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';

/** Clicks what starts a download and reads the xlsx that arrives: sheet names and each sheet's rows. */
export async function downloadedXlsx(page: Page, click: () => Promise<unknown>) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return {
    name: download.suggestedFilename(),
    sheets: wb.worksheets.map((ws) => ws.name),
    rows: (sheet = 0) => {
      const out: unknown[][] = [];
      wb.worksheets[sheet].eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    },
  };
}
