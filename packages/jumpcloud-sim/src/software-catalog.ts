// Software the MDM world installs: one product has a different name on each OS (the name the OS
// reports is what System Insights rows and DI software events carry), plus each OS's own base
// software and browser extensions. Real products, real bundle ids, plausible version trains.
import type { OsFamily, SystemInsightsTable } from "./api.types.js";

export interface SoftwareVariant {
  /** Catalog product key ("slack"), "" for base software without a cross-OS product. */
  product: string;
  os: OsFamily | "any";
  table: SystemInsightsTable;
  /** The name the OS reports (SI `name`, DI `application.name`). */
  name: string;
  displayName: string;
  /** programs.publisher, linux maintainer_or_vendor, extension author. */
  publisher: string;
  /** macOS bundle id, or the extension's identifier. */
  identifier: string;
  /** Install path template ("" = none). */
  path: string;
  /** Oldest first; the last one is current. */
  versions: readonly string[];
  /** Version updates per 90 days (0 = never updates). */
  churn: number;
  /** Share of the OS's devices that have it (1 = every device). */
  share: number;
  category: string;
}

type Spec = Omit<SoftwareVariant, "category" | "path" | "identifier" | "publisher" | "displayName"> &
  Partial<Pick<SoftwareVariant, "category" | "path" | "identifier" | "publisher" | "displayName">>;

const v = (s: Spec): SoftwareVariant => ({
  category: "",
  identifier: "",
  publisher: "",
  displayName: s.name.replace(/\.app$/, ""),
  path: s.os === "darwin" && s.table === "apps" ? `/Applications/${s.name}` : "",
  ...s,
});

const CHROME = ["131.0.6778.86", "131.0.6778.109", "131.0.6778.140", "132.0.6834.84", "132.0.6834.111", "133.0.6943.54", "133.0.6943.99", "134.0.6998.36", "134.0.6998.89"];
const FIREFOX = ["132.0.2", "133.0", "133.0.3", "134.0", "134.0.1", "134.0.2", "135.0", "135.0.1", "136.0"];
const FIREFOX_ESR = ["115.17.0esr", "115.18.0esr", "128.5.0esr", "128.5.1esr", "128.6.0esr", "128.7.0esr", "128.8.0esr"];
const SLACK = ["4.41.97", "4.41.105", "4.42.115", "4.42.117", "4.43.43", "4.43.49", "4.43.51"];
const ZOOM = ["6.2.11", "6.3.0", "6.3.1", "6.3.5", "6.3.6", "6.3.10", "6.4.0"];
const VSCODE = ["1.94.2", "1.95.1", "1.95.3", "1.96.0", "1.96.2", "1.96.4", "1.97.0", "1.97.2"];
const TEAMS = ["24295.605.3225.8804", "24335.206.3262.2785", "25007.1109.3304.1022", "25031.805.3440.5290"];
const ONEPW = ["8.10.48", "8.10.50", "8.10.54", "8.10.56", "8.10.58", "8.10.60"];

/** Cross-OS products: SSO applications and managed apps overlap with these on purpose. */
const PRODUCTS: SoftwareVariant[] = [
  v({ product: "slack", os: "darwin", table: "apps", name: "Slack.app", displayName: "Slack", identifier: "com.tinyspeck.slackmacgap", publisher: "Slack Technologies, Inc.", versions: SLACK, churn: 4, share: 0.9, category: "public.app-category.business" }),
  v({ product: "slack", os: "windows", table: "programs", name: "Slack", publisher: "Slack Technologies Inc.", path: "C:\\Program Files\\Slack\\", versions: SLACK, churn: 4, share: 0.85 }),
  v({ product: "slack", os: "linux", table: "linux_packages", name: "slack-desktop", publisher: "Slack Technologies <feedback@slack.com>", versions: SLACK, churn: 3, share: 0.6 }),
  v({ product: "zoom", os: "darwin", table: "apps", name: "zoom.us.app", displayName: "zoom.us", identifier: "us.zoom.xos", publisher: "Zoom Video Communications, Inc.", versions: ZOOM, churn: 3, share: 0.8, category: "public.app-category.productivity" }),
  v({ product: "zoom", os: "windows", table: "programs", name: "Zoom", publisher: "Zoom Video Communications, Inc.", path: "C:\\Program Files\\Zoom\\bin\\", versions: ZOOM, churn: 3, share: 0.8 }),
  v({ product: "zoom", os: "linux", table: "linux_packages", name: "zoom", publisher: "Zoom Video Communications, Inc. <support@zoom.us>", versions: ZOOM, churn: 2, share: 0.4 }),
  v({ product: "vscode", os: "darwin", table: "apps", name: "Visual Studio Code.app", displayName: "Code", identifier: "com.microsoft.VSCode", publisher: "Microsoft Corporation", versions: VSCODE, churn: 5, share: 0.35, category: "public.app-category.developer-tools" }),
  v({ product: "vscode", os: "windows", table: "programs", name: "Microsoft Visual Studio Code", displayName: "Visual Studio Code", publisher: "Microsoft Corporation", path: "C:\\Program Files\\Microsoft VS Code\\", versions: VSCODE, churn: 5, share: 0.3 }),
  v({ product: "vscode", os: "linux", table: "linux_packages", name: "code", displayName: "Visual Studio Code", publisher: "Microsoft Corporation <vscode-linux@microsoft.com>", versions: VSCODE, churn: 5, share: 0.8 }),
  v({ product: "firefox", os: "darwin", table: "apps", name: "Firefox.app", identifier: "org.mozilla.firefox", publisher: "Mozilla", versions: FIREFOX, churn: 6, share: 0.3, category: "public.app-category.productivity" }),
  v({ product: "firefox", os: "windows", table: "programs", name: "Mozilla Firefox (x64 en-US)", displayName: "Mozilla Firefox", publisher: "Mozilla", path: "C:\\Program Files\\Mozilla Firefox", versions: FIREFOX, churn: 6, share: 0.25 }),
  v({ product: "firefox", os: "linux", table: "linux_packages", name: "firefox-esr", displayName: "Firefox ESR", publisher: "Debian Mozilla Team <team+pkg-mozilla@tracker.debian.org>", versions: FIREFOX_ESR, churn: 3, share: 0.7 }),
  v({ product: "teams", os: "darwin", table: "apps", name: "Microsoft Teams.app", displayName: "Microsoft Teams", identifier: "com.microsoft.teams2", publisher: "Microsoft Corporation", versions: TEAMS, churn: 3, share: 0.3, category: "public.app-category.business" }),
  v({ product: "teams", os: "windows", table: "programs", name: "Microsoft Teams", publisher: "Microsoft Corporation", versions: TEAMS, churn: 3, share: 0.45 }),
  v({ product: "teams-classic", os: "darwin", table: "apps", name: "Microsoft Teams classic.app", displayName: "Microsoft Teams classic", identifier: "com.microsoft.teams", publisher: "Microsoft Corporation", versions: ["1.6.00.27656", "1.7.00.13456"], churn: 0, share: 0.08, category: "public.app-category.business" }),
  v({ product: "teams-classic", os: "windows", table: "programs", name: "Microsoft Teams classic", publisher: "Microsoft Corporation", versions: ["1.6.00.27573", "1.7.00.13456"], churn: 0, share: 0.15 }),
  v({ product: "chrome", os: "darwin", table: "apps", name: "Google Chrome.app", displayName: "Google Chrome", identifier: "com.google.Chrome", publisher: "Google LLC", versions: CHROME, churn: 7, share: 0.75, category: "public.app-category.productivity" }),
  v({ product: "chrome", os: "windows", table: "programs", name: "Google Chrome", publisher: "Google LLC", path: "C:\\Program Files\\Google\\Chrome\\Application", versions: CHROME, churn: 7, share: 0.8 }),
  v({ product: "chrome", os: "linux", table: "linux_packages", name: "google-chrome-stable", displayName: "Google Chrome", publisher: "Chrome Linux Team <chromium-dev@chromium.org>", versions: CHROME, churn: 7, share: 0.6 }),
  v({ product: "1password", os: "darwin", table: "apps", name: "1Password.app", displayName: "1Password", identifier: "com.1password.1password", publisher: "AgileBits Inc.", versions: ONEPW, churn: 4, share: 0.5, category: "public.app-category.productivity" }),
  v({ product: "1password", os: "windows", table: "programs", name: "1Password", publisher: "AgileBits Inc.", versions: ONEPW, churn: 4, share: 0.4 }),
  v({ product: "1password", os: "linux", table: "linux_packages", name: "1password", publisher: "1Password <support@1password.com>", versions: ONEPW, churn: 3, share: 0.4 }),
  v({ product: "notion", os: "darwin", table: "apps", name: "Notion.app", displayName: "Notion", identifier: "notion.id", publisher: "Notion Labs, Incorporated", versions: ["3.17.0", "3.18.0", "4.0.0", "4.1.1", "4.2.0"], churn: 3, share: 0.4, category: "public.app-category.productivity" }),
  v({ product: "notion", os: "windows", table: "programs", name: "Notion", publisher: "Notion Labs, Inc.", versions: ["3.17.0", "3.18.0", "4.0.0", "4.1.1", "4.2.0"], churn: 3, share: 0.3 }),
  v({ product: "figma", os: "darwin", table: "apps", name: "Figma.app", displayName: "Figma", identifier: "com.figma.Desktop", publisher: "Figma, Inc.", versions: ["124.5.5", "124.6.5", "124.7.4", "125.0.7", "125.1.5"], churn: 4, share: 0.2, category: "public.app-category.graphics-design" }),
  v({ product: "figma", os: "windows", table: "programs", name: "Figma", publisher: "Figma, Inc.", versions: ["124.5.5", "124.6.5", "124.7.4", "125.0.7", "125.1.5"], churn: 4, share: 0.1 }),
  v({ product: "office", os: "darwin", table: "apps", name: "Microsoft Word.app", displayName: "Microsoft Word", identifier: "com.microsoft.Word", publisher: "Microsoft Corporation", versions: ["16.90", "16.91", "16.92", "16.93", "16.94"], churn: 3, share: 0.5, category: "public.app-category.productivity" }),
  v({ product: "office", os: "windows", table: "programs", name: "Microsoft 365 Apps for enterprise - en-us", displayName: "Microsoft 365 Apps for enterprise", publisher: "Microsoft Corporation", versions: ["16.0.18025.20160", "16.0.18129.20158", "16.0.18227.20162", "16.0.18324.20194"], churn: 3, share: 0.85 }),
  v({ product: "docker", os: "darwin", table: "apps", name: "Docker.app", displayName: "Docker", identifier: "com.docker.docker", publisher: "Docker Inc", versions: ["4.35.1", "4.36.0", "4.37.1", "4.37.2", "4.38.0"], churn: 3, share: 0.25, category: "public.app-category.developer-tools" }),
  v({ product: "docker", os: "windows", table: "programs", name: "Docker Desktop", publisher: "Docker Inc.", versions: ["4.35.1", "4.36.0", "4.37.1", "4.37.2", "4.38.0"], churn: 3, share: 0.15 }),
  v({ product: "docker", os: "linux", table: "linux_packages", name: "docker-ce", displayName: "Docker Engine", publisher: "Docker <support@docker.com>", versions: ["5:27.3.1-1~ubuntu.24.04~noble", "5:27.4.0-1~ubuntu.24.04~noble", "5:27.4.1-1~ubuntu.24.04~noble", "5:27.5.1-1~ubuntu.24.04~noble"], churn: 2, share: 0.7 }),
  v({ product: "git", os: "windows", table: "programs", name: "Git", publisher: "The Git Development Community", path: "C:\\Program Files\\Git\\", versions: ["2.46.2", "2.47.0", "2.47.1", "2.48.1"], churn: 1, share: 0.3 }),
  v({ product: "git", os: "linux", table: "linux_packages", name: "git", publisher: "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", versions: ["1:2.43.0-1ubuntu7.1", "1:2.43.0-1ubuntu7.2"], churn: 1, share: 0.95 }),
  v({ product: "python", os: "windows", table: "programs", name: "Python 3.12.8 (64-bit)", displayName: "Python 3.12", publisher: "Python Software Foundation", versions: ["3.12.8150.0"], churn: 0, share: 0.15 }),
  v({ product: "python", os: "linux", table: "linux_packages", name: "python3", publisher: "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", versions: ["3.12.3-0ubuntu1", "3.12.3-0ubuntu2"], churn: 1, share: 1 }),
  v({ product: "miro", os: "darwin", table: "apps", name: "Miro.app", displayName: "Miro", identifier: "com.electron.realtimeboard", publisher: "Miro", versions: ["0.9.41", "0.9.46", "0.9.52", "0.10.2"], churn: 2, share: 0.15, category: "public.app-category.productivity" }),
  v({ product: "miro", os: "windows", table: "programs", name: "Miro", publisher: "Miro", versions: ["0.9.41", "0.9.46", "0.9.52", "0.10.2"], churn: 2, share: 0.1 }),
  v({ product: "box", os: "darwin", table: "apps", name: "Box.app", displayName: "Box", identifier: "com.box.desktop", publisher: "Box, Inc.", versions: ["2.40.345", "2.41.229", "2.42.212", "2.43.195"], churn: 2, share: 0.15, category: "public.app-category.productivity" }),
  v({ product: "box", os: "windows", table: "programs", name: "Box", publisher: "Box, Inc.", versions: ["2.40.345", "2.41.229", "2.42.212", "2.43.195"], churn: 2, share: 0.15 }),
  v({ product: "tableau", os: "darwin", table: "apps", name: "Tableau Desktop 2024.3.app", displayName: "Tableau Desktop", identifier: "com.tableausoftware.tableaudesktop", publisher: "Tableau Software", versions: ["2024.3.0", "2024.3.1", "2024.3.2"], churn: 1, share: 0.06, category: "public.app-category.business" }),
  v({ product: "tableau", os: "windows", table: "programs", name: "Tableau 2024.3 (20243.24.1112.0334)", displayName: "Tableau Desktop", publisher: "Tableau Software", versions: ["24.3.1112", "24.3.1211"], churn: 1, share: 0.08 }),
];

const mac = (name: string, identifier: string, versions: readonly string[], share = 1, churn = 1): SoftwareVariant =>
  v({ product: "", os: "darwin", table: "apps", name, identifier, publisher: "Apple Inc.", versions, churn, share, category: "public.app-category.utilities", path: `/System/Applications/${name}` });
const win = (name: string, publisher: string, versions: readonly string[], share = 1, churn = 0): SoftwareVariant => v({ product: "", os: "windows", table: "programs", name, publisher, versions, churn, share });
const deb = (name: string, versions: readonly string[], share = 1, churn = 1, publisher = "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"): SoftwareVariant =>
  v({ product: "", os: "linux", table: "linux_packages", name, publisher, versions, churn, share });

/** Each OS's own software: what every device of that OS shows, with a little variation. */
const BASE: SoftwareVariant[] = [
  mac("Safari.app", "com.apple.Safari", ["18.1.1", "18.2", "18.3"], 1, 2),
  mac("Mail.app", "com.apple.mail", ["16.0"], 1, 0),
  mac("Calendar.app", "com.apple.iCal", ["15.0"], 1, 0),
  mac("Notes.app", "com.apple.Notes", ["4.12"], 1, 0),
  mac("Photos.app", "com.apple.Photos", ["10.0"], 1, 0),
  mac("Music.app", "com.apple.Music", ["1.5.2", "1.5.3"], 1, 1),
  mac("FaceTime.app", "com.apple.FaceTime", ["36"], 1, 0),
  mac("Maps.app", "com.apple.Maps", ["3.0"], 1, 0),
  mac("Preview.app", "com.apple.Preview", ["11.0"], 1, 0),
  mac("TextEdit.app", "com.apple.TextEdit", ["1.20"], 1, 0),
  mac("App Store.app", "com.apple.AppStore", ["3.0"], 1, 0),
  mac("System Settings.app", "com.apple.systempreferences", ["15.2", "15.3"], 1, 1),
  mac("Reminders.app", "com.apple.reminders", ["7.0"], 1, 0),
  mac("Keynote.app", "com.apple.iWork.Keynote", ["14.2", "14.3"], 0.6, 1),
  mac("Pages.app", "com.apple.iWork.Pages", ["14.2", "14.3"], 0.6, 1),
  mac("Numbers.app", "com.apple.iWork.Numbers", ["14.2", "14.3"], 0.6, 1),
  mac("GarageBand.app", "com.apple.garageband10", ["10.4.11", "10.4.12"], 0.3, 0),
  mac("iMovie.app", "com.apple.iMovieApp", ["10.4.2", "10.4.3"], 0.3, 0),
  mac("Xcode.app", "com.apple.dt.Xcode", ["16.1", "16.2"], 0.15, 1),
  v({ product: "", os: "darwin", table: "apps", name: "JumpCloud Remote Assist.app", identifier: "com.jumpcloud.remote-assist", publisher: "JumpCloud Inc.", versions: ["0.243.0", "0.251.0", "0.259.0"], churn: 2, share: 1, category: "public.app-category.utilities" }),
  v({ product: "", os: "darwin", table: "apps", name: "Rectangle.app", identifier: "com.knollsoft.Rectangle", publisher: "Ryan Hanson", versions: ["0.84", "0.85", "0.86"], churn: 1, share: 0.25, category: "public.app-category.productivity" }),
  v({ product: "", os: "darwin", table: "apps", name: "iTerm.app", displayName: "iTerm2", identifier: "com.googlecode.iterm2", publisher: "George Nachman", versions: ["3.5.6", "3.5.10", "3.5.11"], churn: 1, share: 0.2, category: "public.app-category.developer-tools" }),
  win("Microsoft Edge", "Microsoft Corporation", ["131.0.2903.86", "131.0.2903.112", "132.0.2957.115", "133.0.3065.59"], 1, 6),
  win("Microsoft Edge WebView2 Runtime", "Microsoft Corporation", ["131.0.2903.86", "132.0.2957.115", "133.0.3065.59"], 1, 4),
  win("Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.42.34433", "Microsoft Corporation", ["14.42.34433.0"]),
  win("Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.42.34433", "Microsoft Corporation", ["14.42.34433.0"]),
  win("Microsoft .NET Runtime - 8.0.11 (x64)", "Microsoft Corporation", ["64.44.23553"], 0.8),
  win("Microsoft Update Health Tools", "Microsoft Corporation", ["5.72.0.0", "5.73.0.0"], 1, 1),
  win("Microsoft OneDrive", "Microsoft Corporation", ["24.226.1110.0004", "24.244.1204.0003", "25.010.0119.0002"], 1, 3),
  win("Windows PC Health Check", "Microsoft Corporation", ["3.6.2204.08001"], 0.7),
  win("Update for Windows 10 for x64-based Systems (KB5001716)", "Microsoft Corporation", ["8.94.0.0"], 0.5),
  win("7-Zip 24.08 (x64)", "Igor Pavlov", ["24.08"], 0.4),
  win("Notepad++ (64-bit x64)", "Notepad++ Team", ["8.7.1", "8.7.4", "8.7.5"], 0.3, 1),
  win("Adobe Acrobat (64-bit)", "Adobe", ["24.005.20320", "24.005.20399", "25.001.20428"], 0.6, 2),
  win("Intel(R) Management Engine Components", "Intel Corporation", ["2406.5.5.0"], 0.5),
  win("Realtek High Definition Audio Driver", "Realtek Semiconductor Corp.", ["6.0.9549.1"], 0.5),
  win("JumpCloud Agent", "JumpCloud Inc.", ["1.199.0", "1.203.0", "1.207.0"], 1, 2),
  win("JumpCloud Remote Assist", "JumpCloud Inc.", ["0.243.0", "0.251.0", "0.259.0"], 1, 2),
  ...[
    "adduser", "apt", "base-files", "bash", "bsdutils", "ca-certificates", "coreutils", "cron", "curl", "dash", "dbus", "debconf", "diffutils", "dpkg",
    "e2fsprogs", "findutils", "gnupg", "grep", "gzip", "hostname", "init-system-helpers", "iproute2", "iputils-ping", "less", "libc6", "libssl3t64",
    "login", "lsb-release", "mount", "nano", "netbase", "openssh-client", "passwd", "perl-base", "procps", "sed", "sudo", "systemd", "tar", "tzdata",
    "util-linux", "vim", "wget", "zlib1g",
  ].map((name, i) => deb(name, i % 5 === 0 ? ["1.0-1ubuntu1", "1.0-1ubuntu1.1", "1.0-1ubuntu1.2"] : ["1.0-1ubuntu1"], i % 7 === 6 ? 0.7 : 1, i % 5 === 0 ? 1 : 0)),
  ...[
    "Activity Monitor.app", "Terminal.app", "Disk Utility.app", "Console.app", "Keychain Access.app", "Screenshot.app", "Script Editor.app",
    "System Information.app", "Migration Assistant.app", "Bluetooth File Exchange.app", "ColorSync Utility.app", "Digital Color Meter.app",
    "Grapher.app", "VoiceOver Utility.app", "Audio MIDI Setup.app", "AirPort Utility.app", "Automator.app", "Books.app", "Calculator.app",
    "Chess.app", "Clock.app", "Contacts.app", "Dictionary.app", "Find My.app", "Font Book.app", "Freeform.app", "Home.app", "Image Capture.app",
    "Launchpad.app", "Messages.app", "Mission Control.app", "News.app", "Passwords.app", "Photo Booth.app", "Podcasts.app", "QuickTime Player.app",
    "Shortcuts.app", "Siri.app", "Stickies.app", "Stocks.app", "Time Machine.app", "TV.app", "Voice Memos.app", "Weather.app", "iPhone Mirroring.app",
  ].map((name, i) => mac(name, `com.apple.${name.replace(/\.app$/, "").replace(/[^A-Za-z]/g, "").toLowerCase()}`, i % 9 === 0 ? ["1.0", "1.1"] : ["1.0"], i % 6 === 5 ? 0.9 : 1, i % 9 === 0 ? 1 : 0)),
  ...(
    [
      ["Microsoft Windows Desktop Runtime - 8.0.11 (x64)", "Microsoft Corporation"], ["Microsoft ASP.NET Core 8.0.11 - Shared Framework (x64)", "Microsoft Corporation"],
      ["Microsoft GameInput", "Microsoft Corporation"], ["Teams Machine-Wide Installer", "Microsoft Corporation"], ["Windows Subsystem for Linux", "Microsoft Corporation"],
      ["Office 16 Click-to-Run Extensibility Component", "Microsoft Corporation"], ["Office 16 Click-to-Run Licensing Component", "Microsoft Corporation"],
      ["Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40664", "Microsoft Corporation"], ["Microsoft Visual C++ 2012 Redistributable (x64) - 11.0.61030", "Microsoft Corporation"],
      ["Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219", "Microsoft Corporation"], ["Microsoft Policy Platform", "Microsoft Corporation"],
      ["Local Administrator Password Solution", "Microsoft Corporation"], ["Microsoft Intune Management Extension", "Microsoft Corporation"],
      ["Intel(R) Graphics Driver", "Intel Corporation"], ["Intel(R) Wireless Bluetooth(R)", "Intel Corporation"], ["Intel(R) PROSet/Wireless Software", "Intel Corporation"],
      ["Intel(R) Serial IO", "Intel Corporation"], ["Intel(R) Chipset Device Software", "Intel(R) Corporation"], ["Dell SupportAssist", "Dell Inc."],
      ["Dell Command | Update", "Dell Inc."], ["Dell Optimizer", "Dell"], ["Lenovo Vantage Service", "Lenovo Group Ltd."], ["Synaptics Pointing Device Driver", "Synaptics Incorporated"],
      ["NVIDIA Graphics Driver 566.36", "NVIDIA Corporation"], ["Zoom Outlook Plugin", "Zoom Video Communications, Inc."], ["Microsoft Windows SDK AddOn", "Microsoft Corporation"],
      ["Windows Software Development Kit - Windows 10.0.22621.3233", "Microsoft Corporations"], ["PowerShell 7-x64", "Microsoft Corporation"],
      ["Microsoft Edge Update", "Microsoft Corporation"], ["Google Update Helper", "Google LLC"],
    ] as const
  ).map(([name, publisher], i) => win(name, publisher, ["1.0.0"], i % 4 === 3 ? 0.5 : 0.95)),
  ...[
    "accountsservice", "acl", "alsa-ucm-conf", "apparmor", "apport", "apt-utils", "at-spi2-core", "avahi-daemon", "bc", "bind9-host", "binutils",
    "bluez", "bolt", "brltty", "build-essential", "busybox-static", "bzip2", "console-setup", "cpio", "cups", "cups-browsed", "dconf-cli",
    "debianutils", "dirmngr", "distro-info-data", "dmidecode", "dmsetup", "dnsmasq-base", "dosfstools", "ed", "eject", "evince", "fdisk", "file",
    "firmware-sof-signed", "fontconfig", "fonts-dejavu-core", "fonts-liberation", "fwupd", "gcc", "gdm3", "gedit", "gir1.2-glib-2.0", "gnome-shell",
    "gnome-terminal", "gnome-control-center", "gpgv", "grub-common", "grub-efi-amd64-signed", "gstreamer1.0-plugins-base", "hdparm", "htop",
    "ibus", "info", "initramfs-tools", "iptables", "isc-dhcp-client", "jq", "kbd", "keyboard-configuration", "kmod", "krb5-locales", "libasound2t64",
    "libcurl4t64", "libgtk-3-0t64", "libnss3", "libpam-systemd", "libreoffice-core", "libsqlite3-0", "libx11-6", "libxml2", "linux-firmware",
    "linux-generic", "locales", "logrotate", "lshw", "lsof", "make", "man-db", "mawk", "media-types", "mesa-vulkan-drivers", "modemmanager",
    "nautilus", "ncurses-base", "netplan.io", "network-manager", "ntfs-3g", "openssh-server", "openssl-provider-legacy", "os-prober", "parted",
    "pciutils", "pipewire", "plymouth", "policykit-1", "psmisc", "pulseaudio-utils", "python3-apt", "python3-pip", "readline-common", "rsync",
    "rsyslog", "screen", "sensible-utils", "shim-signed", "snapd", "software-properties-common", "squashfs-tools", "strace", "sysstat", "tcpdump",
    "thermald", "tmux", "ubuntu-desktop", "ubuntu-minimal", "ubuntu-standard", "ufw", "unattended-upgrades", "unzip", "update-notifier", "usbutils",
    "whiptail", "wireless-tools", "wpasupplicant", "xdg-utils", "xorg", "xz-utils", "zip", "zsh",
  ].map((name, i) => deb(name, i % 8 === 0 ? ["2.0-1ubuntu1", "2.0-1ubuntu1.1"] : ["2.0-1ubuntu1"], i % 5 === 4 ? 0.6 : 0.97, i % 8 === 0 ? 1 : 0)),
  deb("openssl", ["3.0.13-0ubuntu3.4", "3.0.13-0ubuntu3.5"], 1, 1),
  deb("jumpcloud-agent", ["1.199.0", "1.203.0", "1.207.0"], 1, 2, "JumpCloud Inc. <support@jumpcloud.com>"),
];

const ext = (table: "chrome_extensions" | "firefox_addons" | "safari_extensions", name: string, identifier: string, publisher: string, versions: readonly string[], share: number): SoftwareVariant =>
  v({ product: "", os: table === "safari_extensions" ? "darwin" : "any", table, name, identifier, publisher, versions, churn: 0, share });

/** Browser extensions (no DI software events: the agent logs applications only). */
const EXTENSIONS: SoftwareVariant[] = [
  ext("chrome_extensions", "Google Docs Offline", "ghbmnnjooekpmoecnnnilnnbdlolhkhi", "Google", ["1.87.1", "1.88.1"], 0.8),
  ext("chrome_extensions", "1Password – Password Manager", "aeblfdkhhhdcdjpifhhbdiojplfjncoa", "AgileBits", ["8.10.56.25", "8.10.60.12"], 0.5),
  ext("chrome_extensions", "uBlock Origin Lite", "ddkjiahejlhfcafbddmgiahcphecmpfh", "Raymond Hill", ["2025.1.26.1330"], 0.25),
  ext("chrome_extensions", "Grammarly: AI Writing and Grammar Checker App", "kbfnbcaeplbcioakkpcpgfkobkghlhen", "Grammarly", ["14.1218.0"], 0.2),
  ext("chrome_extensions", "Zoom Chrome Extension", "kgjfgplpablkjnlkjmjdecgdpfankdle", "Zoom Video Communications", ["2.1.0"], 0.15),
  ext("chrome_extensions", "React Developer Tools", "fmkadmapgofadopljbjfkapdkoienihi", "Meta", ["6.1.1"], 0.1),
  ext("firefox_addons", "uBlock Origin", "uBlock0@raymondhill.net", "Raymond Hill", ["1.61.2", "1.62.0"], 0.5),
  ext("firefox_addons", "1Password – Password Manager", "{d634138d-c276-4fc8-924b-40a0ea21d284}", "AgileBits", ["8.10.60.12"], 0.4),
  ext("firefox_addons", "Firefox Multi-Account Containers", "@testpilot-containers", "Mozilla", ["8.2.0"], 0.3),
  ext("safari_extensions", "1Password for Safari", "com.1password.safari.extension", "AgileBits Inc.", ["8.10.60"], 0.35),
  ext("safari_extensions", "Grammarly for Safari", "com.grammarly.safari.extension", "Grammarly, Inc.", ["9.83"], 0.15),
  ext("safari_extensions", "AdGuard for Safari", "com.adguard.safari.AdGuard", "Adguard Software Ltd", ["1.11.25"], 0.1),
];

/** Every variant, in a fixed order (indexes into it are stable for a given build). */
export const SOFTWARE_CATALOG: readonly SoftwareVariant[] = [...PRODUCTS, ...BASE, ...EXTENSIONS];

export const PRODUCT_KEYS: readonly string[] = [...new Set(PRODUCTS.map((p) => p.product))];

/** Which table holds a device's applications (the one DI software events are about). */
export function appTable(os: OsFamily): SystemInsightsTable {
  return os === "darwin" ? "apps" : os === "windows" ? "programs" : "linux_packages";
}

export interface ManagedAppSpec {
  product: string;
  os: OsFamily;
  displayName: string;
  packageManager: string;
  packageId: string;
  /** "all" = the OS's device group; "eng" = the engineering laptops group; "direct" = a few devices bound directly; "none" = nobody. */
  target: "all" | "eng" | "direct" | "none";
  desiredState: string;
}

/** Managed software apps (Software Management): a handful, across package managers. */
export const MANAGED_APPS: readonly ManagedAppSpec[] = [
  { product: "slack", os: "darwin", displayName: "Slack", packageManager: "APPLE_VPP", packageId: "803453959", target: "all", desiredState: "Install" },
  { product: "zoom", os: "windows", displayName: "Zoom Workplace", packageManager: "WINGET", packageId: "Zoom.Zoom", target: "all", desiredState: "Install" },
  { product: "chrome", os: "windows", displayName: "Google Chrome", packageManager: "CHOCOLATEY", packageId: "googlechrome", target: "direct", desiredState: "Install" },
  { product: "1password", os: "darwin", displayName: "1Password 8", packageManager: "MAC_OS_APP_CATALOG", packageId: "1password", target: "eng", desiredState: "Install" },
  { product: "teams", os: "windows", displayName: "Microsoft Teams", packageManager: "MICROSOFT_STORE", packageId: "XP8BT8DW290MPQ", target: "all", desiredState: "Install" },
  { product: "vscode", os: "darwin", displayName: "Visual Studio Code", packageManager: "APPLE_CUSTOM", packageId: "com.microsoft.VSCode", target: "direct", desiredState: "Install" },
  { product: "firefox", os: "windows", displayName: "Mozilla Firefox", packageManager: "WINGET", packageId: "Mozilla.Firefox", target: "none", desiredState: "Install" },
];
