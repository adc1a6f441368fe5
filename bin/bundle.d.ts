/** The file URL of the entry's bundle (a path relative to the repository, or absolute), built first if missing or stale. */
export function bundled(entry: string): Promise<string>;
