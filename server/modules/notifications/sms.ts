import type { Platform } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs/queue.ts';
import { t, LANGS, type Lang } from '../../platform/i18n/index.ts';
import { addDays, fromLocal, toLocal } from '../cases/worktime.ts';

/** The job that texts one notification to a resident who agreed to progress messages. */
export const SMS_NOTICE_JOB = 'notification.sms';

/**
 * When a message due at `now` may be sent: now, or the end of the quiet hours it falls in
 * (a case closed by the night shift is texted at 08:00, not at 03:00).
 */
export function sendableAt(now: Date, quiet: [number, number] | null, timeZone: string): Date {
  if (!quiet) return now;
  const [from, until] = quiet.map((h) => h * 60);
  const local = toLocal(now, timeZone);
  const inQuiet = from < until ? local.minutes >= from && local.minutes < until : local.minutes >= from || local.minutes < until;
  if (!inQuiet) return now;
  // after midnight the quiet hours end today; before it (from > until), tomorrow
  const endDate = from > until && local.minutes >= from ? addDays(local.date, 1) : local.date;
  return fromLocal(endDate, until, timeZone);
}

/**
 * Delivers queued progress messages. Consent is read again at sending time: a resident who switched
 * the messages off (or whose account was erased) after the job was queued gets nothing. Delivery is
 * at least once: a crash between the carrier's acceptance and the job's completion sends it again.
 */
export function smsNoticeJobs(platform: Platform): Record<string, JobHandler> {
  return {
    [SMS_NOTICE_JOB]: async (payload) => {
      const row = await platform.db
        .selectFrom('notification as n')
        .innerJoin('resident_account as a', 'a.id', 'n.recipient_account_id')
        .select(['n.message_key', 'n.params', 'a.phone_enc', 'a.sms_opt_in', 'a.sms_language'])
        .where('n.id', '=', String(payload.notificationId))
        .executeTakeFirst();
      if (!row || !row.sms_opt_in) return;
      const now = platform.clock.now();
      const at = sendableAt(now, platform.config.smsQuietHours, platform.config.timeZone);
      if (at > now) {
        await platform.jobs.enqueue(platform.db, SMS_NOTICE_JOB, payload, { runAt: at });
        return;
      }
      // unavailable (the development sender in production mode): fail, so the queue retries with backoff
      if (!platform.sms.available) throw new Error(`SMS sender ${platform.sms.name} cannot deliver`);
      const lang: Lang = (LANGS as readonly string[]).includes(row.sms_language) ? (row.sms_language as Lang) : 'zh-CN';
      const text = t(lang, 'notify.sms', { text: t(lang, row.message_key, row.params as Record<string, string>) });
      await platform.sms.send(platform.pii.decrypt(row.phone_enc), text);
    },
  };
}
