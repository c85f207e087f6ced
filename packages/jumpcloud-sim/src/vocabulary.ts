// Word lists for the generator. Non-ASCII letters and spaces inside names are deliberate: display
// names must survive a sync unchanged, while usernames must follow JumpCloud's rules.

export const FIRST_NAMES = [
  "Anna", "José", "Zoë", "Łukasz", "Søren", "François", "Björn", "Ana María", "Chloé", "Mateus",
  "Ingrid", "Dvořák", "Aisha", "Kenji", "Mónica", "Noah", "Olivia", "Liam", "Emma", "Lucía",
  "Jürgen", "Agnieszka", "Siobhán", "Étienne", "Håkon", "Mary Jane", "Priya", "Wei", "Thandiwe",
  "Ömer", "Nuño", "Renée", "Yusuf", "Grete", "Camila", "Mikołaj", "Sébastien", "Ayşe", "Tomás",
  "Hannah", "Jean Luc", "Björk", "Oliver", "Amélie", "Dmitri", "Fatima", "Giulia", "Henrik",
  "Ines", "Jonas", "Karolína", "Leila", "Matteo", "Nadia", "Oskar", "Paula", "Rafael", "Sven",
  "Teodora", "Uma", "Viktor", "Wiktoria", "Xavier", "Yara", "Zsófia", "Ðorđe", "Þórunn", "Ævar",
] as const;

export const LAST_NAMES = [
  "Müller", "García López", "Nguyễn", "O'Brien", "Kowalski", "Søndergaard", "Dubois", "Åkesson",
  "Smith", "Johnson", "Tanaka", "Silva", "Ferreira", "Brown", "Novák", "Wiśniewski", "Jensen",
  "de la Cruz", "van der Berg", "Schäfer", "Okafor", "Patel", "Chen", "Yılmaz", "Rossi", "Kim",
  "Hernández", "Lefèvre", "Østergaard", "Čapek", "Łopez", "Mbeki", "Andersson", "Fernández",
  "Kuznetsov", "Haddad", "MacDonald", "Núñez", "Sørensen", "Zieliński", "Weiß", "Björnsson",
  "Đặng", "Ó Súilleabháin", "Papadopoulos", "Virtanen", "Horváth", "Ionescu", "Dąbrowski",
] as const;

export const DEPARTMENTS = [
  ["Engineering", 30], ["Sales", 14], ["Marketing", 8], ["Finance", 6], ["People", 5],
  ["Customer Support", 12], ["IT", 5], ["Legal", 3], ["Operations", 9], ["Product", 8],
] as const;

export const JOB_TITLES: Record<string, readonly string[]> = {
  Engineering: ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager", "SRE"],
  Sales: ["Account Executive", "Sales Development Rep", "Sales Manager", "Solutions Engineer"],
  Marketing: ["Marketing Manager", "Content Strategist", "Growth Analyst"],
  Finance: ["Accountant", "Financial Analyst", "Controller"],
  People: ["HR Business Partner", "Recruiter", "People Ops Specialist"],
  "Customer Support": ["Support Engineer", "Support Lead", "Customer Success Manager"],
  IT: ["IT Administrator", "Systems Engineer", "Help Desk Technician"],
  Legal: ["Counsel", "Paralegal"],
  Operations: ["Operations Manager", "Office Manager", "Logistics Coordinator"],
  Product: ["Product Manager", "Product Designer", "UX Researcher"],
};

export const EMPLOYEE_TYPES = [["Full-time", 80], ["Contractor", 10], ["Part-time", 6], ["Intern", 4]] as const;

export interface Place {
  location: string;
  timezone: string;
  countryCode: string;
  continentCode: string;
  regionName: string;
  regionCode: string;
  ipPrefix: string;
  /** UTC hour when the working day starts there. */
  utcStartHour: number;
}

export const PLACES: readonly Place[] = [
  { location: "Berlin", timezone: "Europe/Berlin", countryCode: "DE", continentCode: "EU", regionName: "Land Berlin", regionCode: "BE", ipPrefix: "85.214", utcStartHour: 7 },
  { location: "São Paulo", timezone: "America/Sao_Paulo", countryCode: "BR", continentCode: "SA", regionName: "São Paulo", regionCode: "SP", ipPrefix: "177.32", utcStartHour: 11 },
  { location: "Zürich", timezone: "Europe/Zurich", countryCode: "CH", continentCode: "EU", regionName: "Zurich", regionCode: "ZH", ipPrefix: "178.197", utcStartHour: 7 },
  { location: "New York", timezone: "America/New_York", countryCode: "US", continentCode: "NA", regionName: "New York", regionCode: "NY", ipPrefix: "72.229", utcStartHour: 13 },
  { location: "Denver", timezone: "America/Denver", countryCode: "US", continentCode: "NA", regionName: "Colorado", regionCode: "CO", ipPrefix: "73.203", utcStartHour: 15 },
  { location: "Kraków", timezone: "Europe/Warsaw", countryCode: "PL", continentCode: "EU", regionName: "Lesser Poland", regionCode: "12", ipPrefix: "83.29", utcStartHour: 7 },
  { location: "Tokyo", timezone: "Asia/Tokyo", countryCode: "JP", continentCode: "AS", regionName: "Tokyo", regionCode: "13", ipPrefix: "126.77", utcStartHour: 0 },
  { location: "Remote", timezone: "Europe/London", countryCode: "GB", continentCode: "EU", regionName: "England", regionCode: "ENG", ipPrefix: "86.150", utcStartHour: 8 },
];

export interface AgentInfo {
  name: string;
  major: string;
  minor: string;
  patch: string;
  os: string;
  os_name: string;
  os_major: string;
  os_minor: string;
  device: string;
}

export const USER_AGENTS: readonly AgentInfo[] = [
  { name: "Chrome", major: "128", minor: "0", patch: "6613", os: "Mac OS X", os_name: "Mac OS X", os_major: "14", os_minor: "6", device: "Mac" },
  { name: "Firefox", major: "130", minor: "0", patch: "", os: "Windows", os_name: "Windows", os_major: "10", os_minor: "", device: "Other" },
  { name: "Edge", major: "128", minor: "0", patch: "2739", os: "Windows", os_name: "Windows", os_major: "10", os_minor: "", device: "Other" },
  { name: "Safari", major: "17", minor: "6", patch: "", os: "Mac OS X", os_name: "Mac OS X", os_major: "14", os_minor: "6", device: "Mac" },
  { name: "Mobile Safari", major: "17", minor: "6", patch: "", os: "iOS", os_name: "iOS", os_major: "17", os_minor: "6", device: "iPhone" },
  { name: "Chrome", major: "127", minor: "0", patch: "6533", os: "Linux", os_name: "Ubuntu", os_major: "", os_minor: "", device: "Other" },
];

export interface CatalogApp {
  name: string;
  displayName: string;
  /** Which group it usually goes to: "all", a department, or "none" (direct assignments only). */
  audience: string;
}

export const APP_CATALOG: readonly CatalogApp[] = [
  { name: "slack", displayName: "Slack", audience: "all" },
  { name: "google-workspace", displayName: "Google Workspace", audience: "all" },
  { name: "zoom", displayName: "Zoom", audience: "all" },
  { name: "atlassian-cloud", displayName: "Atlassian Cloud", audience: "Engineering" },
  { name: "github", displayName: "GitHub Enterprise Cloud", audience: "Engineering" },
  { name: "aws-sso", displayName: "AWS IAM Identity Center", audience: "none" },
  { name: "salesforce", displayName: "Salesforce", audience: "Sales" },
  { name: "zendesk", displayName: "Zendesk", audience: "Customer Support" },
  { name: "workday", displayName: "Workday", audience: "People" },
  { name: "netsuite", displayName: "Oracle NetSuite", audience: "Finance" },
  { name: "figma", displayName: "Figma", audience: "Product" },
  { name: "hubspot", displayName: "HubSpot", audience: "Marketing" },
  { name: "docusign", displayName: "DocuSign", audience: "Legal" },
  { name: "datadog", displayName: "Datadog", audience: "Engineering" },
  { name: "notion", displayName: "Notion", audience: "all" },
  { name: "box", displayName: "Box", audience: "none" },
  { name: "pagerduty", displayName: "PagerDuty", audience: "Engineering" },
  { name: "servicenow", displayName: "ServiceNow", audience: "IT" },
  { name: "tableau", displayName: "Tableau Cloud", audience: "Finance" },
  { name: "miro", displayName: "Miro", audience: "Product" },
  { name: "greenhouse", displayName: "Greenhouse", audience: "People" },
  { name: "1password", displayName: "1Password", audience: "IT" },
  { name: "lucid", displayName: "Lucid", audience: "none" },
  { name: "gong", displayName: "Gong", audience: "Sales" },
  { name: "snowflake", displayName: "Snowflake", audience: "Engineering" },
  { name: "expensify", displayName: "Expensify", audience: "all" },
];

export const ADMIN_ROLES = ["Administrator with Billing", "Administrator", "Manager", "Help Desk", "Read Only"] as const;

/** Letters ASCII folding can't get from NFD alone. */
const FOLD: Record<string, string> = {
  ł: "l", Ł: "l", ø: "o", Ø: "o", ß: "ss", þ: "th", Þ: "th", æ: "ae", Æ: "ae", đ: "d", Đ: "d", ð: "d", Ð: "d", ı: "i",
};

/**
 * JumpCloud usernames: start with a letter, no spaces or "@", letters/digits/"."/"_" only, at most
 * 30 characters (API-NOTES §3, naming conventions).
 */
export function toUsername(first: string, last: string): string {
  const fold = (s: string) =>
    [...s.normalize("NFD")].map((c) => FOLD[c] ?? c).join("").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const part = (s: string) => fold(s).replace(/[^a-z0-9]+/g, ".").replace(/^\.+|\.+$/g, "");
  let name = `${part(first)}.${part(last)}`.replace(/\.{2,}/g, ".");
  if (!/^[a-z]/.test(name)) name = `u${name}`;
  return name.slice(0, 26).replace(/\.$/, "");
}

export const USERNAME_RULE = /^[A-Za-z][A-Za-z0-9._]{0,29}$/;
export const EMAIL_RULE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
