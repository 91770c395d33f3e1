/** Put text on the clipboard. Both the Electron window and browser mode (127.0.0.1) are secure contexts. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
