/**
 * Keys that appear twice in one JSON object of `text` (JSON.parse keeps the last one
 * silently, so a log line with a key written twice cannot be seen once parsed).
 */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          value += text[j + 1];
          j += 2;
        } else value += text[j++];
      }
      const keys = stack.at(-1);
      if (expectKey && keys) {
        if (keys.has(value)) found.push(value);
        keys.add(value);
      }
      expectKey = false;
      i = j;
    } else if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack.at(-1) !== null && stack.length > 0;
    }
  }
  return found;
}
