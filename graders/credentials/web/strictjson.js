// Strict JSON for signed documents, the rule of graders/credentials/strictjson.py: a document
// with two members of the same name reads differently in different programs (first or last
// wins), so what is checked might not be what another reader sees; it is refused. NaN and
// Infinity are not JSON, and JSON.parse refuses them already.

export function parseStrict(text) {
  const value = JSON.parse(text);
  const duplicate = firstDuplicateName(text);
  if (duplicate !== null) {
    throw new SyntaxError(`duplicate member name "${duplicate}"`);
  }
  return value;
}

// Only called on text JSON.parse accepted, so the scan need not check the syntax again.
function firstDuplicateName(text) {
  const open = []; // for each enclosing value: the names seen (an object) or null (an array)
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (char === "{") {
      open.push(new Set());
    } else if (char === "[") {
      open.push(null);
    } else if (char === "}" || char === "]") {
      open.pop();
    } else if (char === '"') {
      let end = at + 1;
      while (text[end] !== '"') {
        end += text[end] === "\\" ? 2 : 1;
      }
      let next = end + 1;
      while (" \t\n\r".includes(text[next])) {
        next += 1;
      }
      const names = open[open.length - 1];
      if (names && text[next] === ":") {
        const name = JSON.parse(text.slice(at, end + 1));
        if (names.has(name)) {
          return name;
        }
        names.add(name);
      }
      at = end;
    }
  }
  return null;
}
