// A friend's name as their referrer sees it: the first character and two stars (王** , J**), whatever the length,
// so the list shows who joined without spelling out someone else's name or its length.
export function maskName(name: string): string {
  const [first] = [...name.trim()];
  return first === undefined ? "**" : `${first}**`;
}
