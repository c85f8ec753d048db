import { ArmFunctionError, type ArmValue, toArmString } from './values.js';

/** Formats one value with a .NET-style format specifier (the common subset: N, D, X, F, P, 0-padding). */
function formatValue(value: ArmValue, spec: string | undefined): string {
  if (spec === undefined || typeof value !== 'number') return toArmString(value);
  const match = /^([NnDdXxFfPp])(\d*)$/.exec(spec);
  if (!match) {
    // Custom numeric format such as '000': pad with zeros to the count of '0'.
    if (/^0+$/.test(spec)) return String(Math.trunc(value)).padStart(spec.length, '0');
    return toArmString(value);
  }
  const [, kind, digits] = match;
  const precision = digits === '' ? undefined : Number(digits);
  switch (kind!.toUpperCase()) {
    case 'D':
      return String(Math.trunc(value)).padStart(precision ?? 0, '0');
    case 'X': {
      const hex = Math.trunc(value)
        .toString(16)
        .padStart(precision ?? 0, '0');
      return kind === 'X' ? hex.toUpperCase() : hex;
    }
    case 'F':
      return value.toFixed(precision ?? 2);
    case 'P':
      return `${(value * 100).toFixed(precision ?? 2)} %`;
    default:
      return value.toLocaleString('en-US', {
        minimumFractionDigits: precision ?? 2,
        maximumFractionDigits: precision ?? 2
      });
  }
}

/** ARM's format(): .NET composite formatting with `{0}`, `{1:D3}`, and `{{`/`}}` escapes. */
export function dotnetFormat(template: string, args: ArmValue[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}/g, (whole, index, align, spec) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const i = Number(index);
    if (i >= args.length)
      throw new ArmFunctionError(`format string refers to {${i}} but only ${args.length} values given`);
    const text = formatValue(args[i]!, spec);
    if (align === undefined) return text;
    const width = Number(align);
    return width < 0 ? text.padEnd(-width) : text.padStart(width);
  });
}
