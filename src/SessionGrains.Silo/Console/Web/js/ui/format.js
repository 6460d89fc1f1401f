// Formatting for people: numbers with separators, times as "3 min ago", user agents shortened.
// The UI is English, so en-US is fixed rather than taken from the browser: totals read
// "Total 1,234 items" everywhere.

const numberFormat = new Intl.NumberFormat('en-US');
const dateTimeFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const relativeFormat = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto', style: 'short' });

/** 1234 → "1,234". */
export function number(n) {
  return numberFormat.format(n ?? 0);
}

/** An ISO timestamp → "Nov 25, 2026, 07:29:28 PM" in the browser's time zone. */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTimeFormat.format(d);
}

/** An ISO timestamp → "3 min ago" / "in 2 hr" relative to now. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  const units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (abs >= size || unit === 'minute') return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** Seconds → "1 h 32 min", "4 min 05 s", "12 s", "3 d 4 h". */
export function duration(totalSeconds) {
  if (totalSeconds === null || totalSeconds === undefined) return '';
  let s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Time left until an ISO timestamp: "in 9 h 58 min", or "" when past. */
export function expiresIn(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  return seconds > 0 ? `in ${duration(seconds)}` : '';
}

/** A user agent → "Chrome 120 on macOS"; the full text goes in the title. */
export function shortUserAgent(ua) {
  if (!ua) return '';
  const browser = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/FxiOS\/(\d+)/, 'Firefox'],
    [/CriOS\/(\d+)/, 'Chrome'],
    [/Chrome\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[.\d]* .*Safari\//, 'Safari'],
    [/curl\/([\d.]+)/, 'curl'],
    [/python-requests\/([\d.]+)/, 'Python requests'],
    [/okhttp\/([\d.]+)/, 'OkHttp'],
  ].map(([re, name]) => { const m = ua.match(re); return m ? `${name} ${m[1]}` : null; }).find(Boolean);
  const os = [
    [/Windows NT/, 'Windows'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ].map(([re, name]) => (re.test(ua) ? name : null)).find(Boolean);
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `${os} device`;
  return ua.length > 40 ? `${ua.slice(0, 38)}…` : ua;
}

const endReasons = {
  user_logout: 'Signed out',
  admin_terminated: 'Ended by an administrator',
  user_logout_all: 'User logged out everywhere',
  denylisted: 'User denylisted',
  tenant_logout_all: 'Tenant logout-all',
  idle_timeout: 'Idle timeout',
  max_lifetime: 'Maximum lifetime reached',
  token_reuse: 'Refresh token reused',
  evicted: 'Evicted by a newer sign-in',
};

/** An endReason code → plain words. */
export function endReason(code) {
  return code ? (endReasons[code] ?? code) : '';
}

const roles = {
  'tenant-admin': 'Tenant admin',
  'microtenant-admin': 'Microtenant admin',
  auditor: 'Auditor',
  service: 'Service',
  operator: 'Operator',
};

/** A role name → "Tenant admin". */
export function role(name) {
  return roles[name] ?? name;
}

/** An ISO timestamp → the value a datetime-local input shows (local time, minutes). */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) → an ISO UTC timestamp, or "" when empty or invalid. */
export function fromLocalInput(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

const shortFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An ISO timestamp → "Nov 25, 07:29 PM" (the table's compact form; the full one goes in a title). */
export function shortDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : shortFormat.format(d);
}

/** "1 session" / "3 sessions". */
export function plural(n, one, many = `${one}s`) {
  return `${number(n)} ${n === 1 ? one : many}`;
}
