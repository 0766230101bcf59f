/**
 * Errors are values with a path: every problem names the field it is about, what was wrong
 * and what is allowed, so a user can fix it without reading our source.
 */

/** One problem found in user input or in the model built from it. */
export interface Issue {
  /** Dotted field path from the Sovereign's props, e.g. `sovereign.kit.certManager.values.email`. */
  readonly path: string;
  /** What was wrong and what is allowed. */
  readonly message: string;
}

/** Thrown when the input cannot be synthesized. Carries every issue found, not just the first. */
export class CatalystError extends Error {
  /** A CatalystError with one issue. */
  public static at(path: string, message: string): CatalystError {
    return new CatalystError([{ path, message }]);
  }

  public readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'CatalystError';
    this.issues = issues;
  }
}

export function formatIssue(issue: Issue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Collects issues while a model is checked, then throws them together. */
export class IssueCollector {
  private readonly issues: Issue[] = [];

  public add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  public addAll(issues: readonly Issue[]): void {
    this.issues.push(...issues);
  }

  public get count(): number {
    return this.issues.length;
  }

  /** Throws a CatalystError if any issue was collected. */
  public throwIfAny(): void {
    if (this.issues.length > 0) {
      throw new CatalystError([...this.issues]);
    }
  }
}

export function isCatalystError(e: unknown): e is CatalystError {
  return e instanceof Error && (e as CatalystError).name === 'CatalystError' && Array.isArray((e as CatalystError).issues);
}

/** Renders a value for an error message: short, quoted, never a multi-page dump. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
