/**
 * Product-name normalization: the same product's name as a Mac bundle, a Windows uninstall entry, a
 * Linux package or an SSO label becomes one key. Pure and total: any string gives a key, never
 * throws. Designed for inventories of millions of rows, so the common ASCII path avoids Unicode
 * normalization and allocates little.
 */

export interface NormalizedAppName {
  /** Case-folded, NFKC, noise removed, single spaces: what lookups and heuristic ids use. */
  readonly key: string;
  /** The same words in their original case: a presentable name whose `key` is the same. */
  readonly display: string;
}

// ™ ® © ℠ go before NFKC, which would turn ™ into the letters "TM".
const MARKS = /[\u00a9\u00ae\u2120\u2122]/g;
/**
 * Zero-width characters, bidi controls, variation selectors and the like are invisible, so never
 * part of a name: dropped. Control characters separate words: they become spaces.
 */
function invisibleOrControl(c: number): 0 | 1 | 2 {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 2;
  if (
    c === 0xad || c === 0x34f || c === 0x61c || c === 0x115f || c === 0x1160 || c === 0x17b4 || c === 0x17b5 || (c >= 0x180b && c <= 0x180f) ||
    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c === 0x3164 || (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xffa0 || (c >= 0xfff0 && c <= 0xfff8)
  ) {
    return 1;
  }
  return 0;
}

function cleanInvisible(s: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i += 1) {
    const kind = invisibleOrControl(s.charCodeAt(i));
    if (kind === 0) continue;
    out += s.slice(from, i) + (kind === 2 ? " " : "");
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}
const NOT_PLAIN_ASCII = /[^\x20-\x7e]/;
const SPACES = /\s+/;
/** Anything but single spaces between words: tabs, runs of spaces, leading or trailing space. */
const IRREGULAR_SPACE = /[\t\n\v\f\r]| {2}|^ | $/;
const EMPTY: NormalizedAppName = { key: "", display: "" };
const PAREN_GROUP = /[([]([^()[\]]*)[)\]]/g;

/** Words that say nothing about the product when they are all a bracket holds: "(x64 en-US)", "(User)", "(Machine - MSI)". */
const BRACKET_NOISE = new Set([
  "x64", "x86", "x86_64", "x86-64", "amd64", "arm64", "aarch64", "arm", "i386", "i686", "ia64", "win64", "win32",
  "64-bit", "32-bit", "64bit", "32bit", "64", "32", "bit", "universal", "intel", "apple", "silicon",
  "user", "machine", "system", "msi", "exe", "per-user", "per-machine", "all", "users", "current",
  "remove", "only", "tm", "r", "c", "64-bits", "32-bits", "version", "build", "release", "x64-based", "x86-based",
]);
/** Architecture and bitness tokens, dropped anywhere after the first word. */
const ARCH = new Set([
  "x64", "x86", "x86_64", "x86-64", "amd64", "arm64", "aarch64", "i386", "i686", "ia64", "win64", "win32", "64-bit", "32-bit", "64bit", "32bit",
]);
/** Packaging noise at the end of a name: "Zoom Setup", "Teams Machine-Wide Installer". */
const TRAILING_NOISE = new Set(["setup", "installer", "install", "bootstrapper", "-", "–", "—", ":", "|", "/", ","]);
const PLATFORMS = new Set(["windows", "win", "mac", "macos", "osx", "linux", "pc"]);

// Cheap first-character filters before the set lookups: most words are none of these.
function isArch(t: string): boolean {
  if (t.length < 3 || t.length > 7) return false;
  const c = t.charCodeAt(0);
  return (c === 120 /* x */ || c === 97 /* a */ || c === 105 /* i */ || c === 119 /* w */ || c === 54 /* 6 */ || c === 51) /* 3 */ && ARCH.has(t);
}

function isTrailingNoise(t: string): boolean {
  if (t.length === 1) return TRAILING_NOISE.has(t);
  const c = t.charCodeAt(0);
  return (c === 115 /* s */ || c === 105 /* i */ || c === 98) /* b */ && TRAILING_NOISE.has(t);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `1.2`, `121.0.1`, `v2.3`, `4.33.90-beta`, `115.6.0esr`, `v2`: a version, not a name ("365" is not). */
const VERSION = /^v?\d+(?:[._]\d+)+[a-z0-9._+~-]*$|^v\d+$/;
function isVersion(t: string): boolean {
  const c = t.charCodeAt(0);
  return (isDigit(c) || c === 118) && VERSION.test(t);
}

function isYear(t: string): boolean {
  return t.length === 4 && (t.startsWith("19") || t.startsWith("20")) && isDigit(t.charCodeAt(2)) && isDigit(t.charCodeAt(3));
}

function isAllDigits(t: string): boolean {
  if (t.length === 0) return false;
  for (let i = 0; i < t.length; i += 1) if (!isDigit(t.charCodeAt(i))) return false;
  return true;
}

/** `en-us`, `fr-fr`, `zh-hans`: a locale suffix. */
function isLocale(t: string): boolean {
  if (t.length < 5 || t.length > 8) return false;
  const dash = t.indexOf("-");
  if (dash < 2 || dash > 3 || t.length - dash - 1 < 2 || t.length - dash - 1 > 4) return false;
  for (let i = 0; i < t.length; i += 1) {
    if (i === dash) continue;
    const c = t.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Case folding that is stable under a change of case: lower(upper(lower(s))) folds ß, ẞ and ſ alike. */
export function foldCase(s: string): string {
  if (!NOT_PLAIN_ASCII.test(s)) return s.toLowerCase();
  return s.toLowerCase().toUpperCase().toLowerCase().normalize("NFKC");
}

function bracketIsNoise(inner: string): boolean {
  const words = foldCase(inner).split(/[\s,;/+]+/);
  for (const w of words) {
    if (w === "" || w === "-") continue;
    if (BRACKET_NOISE.has(w) || isVersion(w) || isLocale(w) || isAllDigits(w)) continue;
    return false;
  }
  return true;
}

/** `Foo.app` → `Foo`, `Foo.app.app` → `Foo` in one step (one slice, however many suffixes); null when none. */
function stripAppSuffix(t: string, folded: string): string | null {
  if (folded.length <= 4 || !folded.endsWith(".app")) return null;
  let end = t.length;
  // ".app" is ASCII: compare the original's code units, lowercased, without slicing.
  while (end > 4 && t.charCodeAt(end - 4) === 46 && (t.charCodeAt(end - 3) | 32) === 97 && (t.charCodeAt(end - 2) | 32) === 112 && (t.charCodeAt(end - 1) | 32) === 112) end -= 4;
  return end === t.length ? null : t.slice(0, end);
}

/**
 * Normalize a product name. Steps: drop ™®© and invisible characters, NFKC, collapse whitespace;
 * drop brackets that only hold noise ("(x64 en-US)", "(64-bit)", "(User)"); drop a `.app` suffix,
 * versions and architecture tokens after the first word; drop trailing years ("2022"), locales,
 * "Setup"/"Installer", "for Windows", "Update 391", "64 bit"; never the last remaining word.
 * Bare numbers stay ("Microsoft 365", "Python 3"), and so do words that tell products apart
 * ("ESR", "classic", "Insiders", "Beta").
 */
export function normalizeAppName(raw: string): NormalizedAppName {
  let s = raw;
  const ascii = !NOT_PLAIN_ASCII.test(s);
  if (!ascii) s = cleanInvisible(s.replace(MARKS, " ")).normalize("NFKC");
  let tokens: string[];
  let folded: string[];
  // Plain ASCII with single spaces (most names): lowercase once, split both at the same places.
  if (ascii && !IRREGULAR_SPACE.test(s)) {
    if (s === "") return EMPTY;
    tokens = s.split(" ");
    folded = s.toLowerCase().split(" ");
  } else {
    tokens = s.split(SPACES);
    if (tokens.length > 0 && tokens[0] === "") tokens.shift();
    if (tokens.length > 0 && tokens[tokens.length - 1] === "") tokens.pop();
    if (tokens.length === 0) return EMPTY;
    folded = tokens.map(foldCase);
  }
  let changed = tokens.length !== 1 || tokens[0] !== s;

  // Brackets: only when there is one; repeat so "((x64))" and "(Foo (x64))" settle.
  if (s.includes("(") || s.includes("[")) {
    let joined = tokens.join(" ");
    let replaced = false;
    for (let guard = 0; guard < 8; guard += 1) {
      const next = joined.replace(PAREN_GROUP, (m: string, inner: string) => (bracketIsNoise(inner) ? " " : m));
      if (next === joined) break;
      joined = next;
      replaced = true;
    }
    if (replaced) {
      changed = true;
      tokens = joined.split(SPACES).filter((t) => t !== "");
      if (tokens.length === 0) return EMPTY;
      folded = tokens.map(foldCase);
    }
  }

  // Versions and architectures anywhere after the first word ("Mozilla Firefox 115.6.0 ESR").
  let kept = 1;
  for (let i = 1; i < tokens.length; i += 1) {
    const f = folded[i]!;
    if (isVersion(f) || isArch(f)) continue;
    tokens[kept] = tokens[i]!;
    folded[kept] = f;
    kept += 1;
  }
  if (kept !== tokens.length) {
    tokens.length = kept;
    folded.length = kept;
  }

  // Trailing noise, to a fixpoint (stripping one thing can expose another), keeping one word.
  for (;;) {
    const n = tokens.length;
    const last = folded[n - 1]!;
    const app = stripAppSuffix(tokens[n - 1]!, last);
    if (app !== null) {
      tokens[n - 1] = app;
      folded[n - 1] = foldCase(app);
      changed = true;
      continue;
    }
    if (n === 1) break;
    const prev = folded[n - 2]!;
    let drop = 0;
    const c = last.charCodeAt(0);
    if (isDigit(c)) {
      // A year, a version or "64-bit" a `.app` strip exposed, or "Update 391".
      if (isYear(last) || isVersion(last) || isArch(last)) drop = 1;
      else if ((prev === "update" || prev === "build" || prev === "version") && isAllDigits(last)) drop = 2;
    } else if (isTrailingNoise(last) || isLocale(last)) drop = 1;
    else if (prev === "for" && PLATFORMS.has(last)) drop = 2;
    else if (last === "bit" && (prev === "64" || prev === "32")) drop = 2;
    else if (isVersion(last) || isArch(last)) drop = 1;
    if (drop === 0 || n - drop < 1) break;
    tokens.length = n - drop;
    folded.length = n - drop;
  }
  if (!changed) return { key: folded[0]!, display: tokens[0]! };
  return { key: folded.join(" "), display: tokens.join(" ") };
}

/** Just the key. */
export function appNameKey(raw: string): string {
  return normalizeAppName(raw).key;
}

/** A slug for ids: letters and digits of any script, runs of anything else become one `-`. */
export function slugOf(key: string): string {
  let out = "";
  let dash = false;
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    let word: boolean;
    let ch: string;
    if (c < 0x80) {
      word = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
      ch = key[i]!;
    } else {
      // Outside ASCII: a whole code point, letters and digits of any script.
      const cp = key.codePointAt(i)!;
      ch = String.fromCodePoint(cp);
      if (cp > 0xffff) i += 1;
      word = LETTER_OR_DIGIT.test(ch);
    }
    if (word) {
      if (dash && out !== "") out += "-";
      out += ch;
      dash = false;
    } else {
      dash = true;
    }
  }
  return out;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
