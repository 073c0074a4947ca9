/** Commands of the CLI that are not actions (the emulator joins here). */
export const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {};
