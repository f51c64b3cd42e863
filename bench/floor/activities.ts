// The floor's activity: answers at once, like a national system that costs nothing.
export async function noop(input: { step: number; i: number }): Promise<{ ok: true; step: number }> {
  return { ok: true, step: input.step };
}
