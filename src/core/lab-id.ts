/** The short id a person types for a lab ("03" for 03-load-balancing), which every command accepts. */
export const shortId = (labId: string): string => labId.slice(0, 2);
