// Types for the tests (the app itself is plain JavaScript run by Node).
export interface ComposeName { service: string | null; replica: number | null }
export function badName(what: string, value: string): string | null;
export function parsePtrName(name: string): ComposeName;
export function ownIp(interfaces: NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>): string;
export function lookupComposeName(ip: string): Promise<ComposeName>;
