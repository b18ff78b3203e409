// Types for the tests (the app itself is plain JavaScript run by Node).
export const COOKIE: string;
export function sessionIdOf(cookieHeader?: string): string | null;
export function sessionState(presented: boolean, count: number): 'new' | 'kept' | 'lost';
