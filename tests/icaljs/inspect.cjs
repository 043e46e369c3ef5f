// Test helper: read .ics files with ical.js (the parser in Thunderbird's calendar) and print one
// JSON line per file: every VEVENT and VTODO as a client sees it, and the RFC 5545 problems found.
//
//   node inspect.cjs INSTALL_DIR FILE.ics [FILE.ics ...]
//
// INSTALL_DIR holds node_modules/ical.js (tests/calendar_readers.py installs it there from
// package.json beside this file). Exit 0 when every file parses with no problem, 1 otherwise.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const [installDir, ...files] = process.argv.slice(2);
if (!installDir || files.length === 0) {
  console.error("usage: node inspect.cjs INSTALL_DIR FILE.ics [FILE.ics ...]");
  process.exit(2);
}
// Resolve "ical.js" as a package installed in INSTALL_DIR would: its "exports" pick the CommonJS build.
const ICAL = createRequire(path.join(path.resolve(installDir), "package.json"))("ical.js");

/** DTSTART/DTEND/DUE as ical.js reads it: the text, DATE or DATE-TIME, the zone, the UTC instant. */
function when(prop) {
  if (!prop) return null;
  const t = prop.getFirstValue();
  return {
    value: t.toString(),
    isDate: t.isDate,
    tzid: prop.getParameter("tzid") || null, // as written in the file
    zone: t.zone ? t.zone.tzid : null, // as ical.js resolved it: a TZID, "UTC" or "floating"
    utc: t.isDate ? null : t.toJSDate().toISOString(),
  };
}

function inspect(file) {
  const problems = [];
  const text = fs.readFileSync(file, "utf8");
  // RFC 5545 §3.1: content lines are delimited by CRLF.
  if (/(^|[^\r])\n/.test(text)) problems.push("lines are not CRLF-terminated");

  let parsed = ICAL.parse(text);
  if (Array.isArray(parsed) && parsed.length && Array.isArray(parsed[0])) {
    problems.push(`file holds ${parsed.length} top-level components; expected one VCALENDAR`);
    parsed = parsed[0];
  }
  const cal = new ICAL.Component(parsed);
  if (cal.name !== "vcalendar") problems.push(`top-level component is ${cal.name.toUpperCase()}`);
  // §3.6: PRODID and VERSION are required, once each; VERSION is 2.0.
  for (const name of ["prodid", "version"]) {
    const n = cal.getAllProperties(name).length;
    if (n !== 1) problems.push(`VCALENDAR has ${n} ${name.toUpperCase()} properties; needs exactly one`);
  }
  const version = cal.getFirstPropertyValue("version");
  if (version !== null && String(version) !== "2.0") problems.push(`VERSION is ${version}, not 2.0`);

  const timezones = cal.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"));
  const known = new Set(timezones);
  const items = [];
  const seen = new Set();
  for (const kind of ["vevent", "vtodo"]) {
    const KIND = kind.toUpperCase();
    for (const c of cal.getAllSubcomponents(kind)) {
      const uid = c.getFirstPropertyValue("uid");
      const label = `${KIND} ${uid}`;
      // §3.6.1/§3.6.2: UID and DTSTAMP are required; UIDs are unique within the calendar.
      if (!uid) problems.push(`${KIND} without UID`);
      else if (seen.has(uid)) problems.push(`duplicate UID ${uid}`);
      seen.add(uid);
      if (!c.hasProperty("dtstamp")) problems.push(`${label} without DTSTAMP`);

      const endName = kind === "vevent" ? "dtend" : "due";
      const start = c.getFirstProperty("dtstart");
      const end = c.getFirstProperty(endName);
      // Without a METHOD property a VEVENT must have DTSTART; DTEND/DUE and DURATION exclude each other.
      if (kind === "vevent" && !start && !cal.hasProperty("method")) problems.push(`${label} without DTSTART`);
      if (end && c.hasProperty("duration")) problems.push(`${label} has both ${endName.toUpperCase()} and DURATION`);
      for (const p of [start, end]) {
        const tzid = p && p.getParameter("tzid");
        // §3.2.19: a TZID parameter names a VTIMEZONE in the same calendar.
        if (tzid && !known.has(tzid)) problems.push(`${label} uses TZID ${tzid} with no VTIMEZONE`);
      }
      if (start && end) {
        const s = start.getFirstValue();
        const e = end.getFirstValue();
        // §3.8.2.2/§3.8.2.3: same value type as DTSTART, and later than it.
        if (s.isDate !== e.isDate) problems.push(`${label} mixes DATE and DATE-TIME`);
        else if (e.compare(s) <= 0) problems.push(`${label} ends before or when it starts`);
      }

      const alarms = [];
      for (const a of c.getAllSubcomponents("valarm")) {
        const action = a.getFirstPropertyValue("action");
        const trigger = a.getFirstPropertyValue("trigger");
        // §3.6.6: ACTION and TRIGGER are required; a DISPLAY alarm also needs DESCRIPTION.
        if (!action || trigger === null) problems.push(`VALARM without ACTION or TRIGGER in ${uid}`);
        if (action === "DISPLAY" && !a.hasProperty("description")) {
          problems.push(`DISPLAY VALARM without DESCRIPTION in ${uid}`);
        }
        alarms.push({ action, trigger: trigger === null ? null : trigger.toString() });
      }
      const categories = c.getAllProperties("categories").flatMap((p) => p.getValues());

      items.push({
        kind,
        uid,
        summary: c.getFirstPropertyValue("summary"),
        description: c.getFirstPropertyValue("description"),
        start: when(start),
        end: when(end),
        categories,
        sequence: c.getFirstPropertyValue("sequence"),
        alarms,
      });
    }
  }
  const name = cal.getFirstPropertyValue("x-wr-calname") || cal.getFirstPropertyValue("name");
  return { file, name, timezones, items, problems };
}

let ok = true;
for (const file of files) {
  let result;
  try {
    result = inspect(file);
  } catch (e) {
    result = { file, error: String(e && e.stack ? e.stack : e), problems: [String(e)] };
  }
  if (result.error || result.problems.length) ok = false;
  console.log(JSON.stringify(result));
}
process.exit(ok ? 0 : 1);
