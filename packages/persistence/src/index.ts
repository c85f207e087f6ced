// Public API: filled in by this package's issue.
export const packageName: string = "persistence";
