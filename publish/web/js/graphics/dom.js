// Small DOM helpers for the overlay views: they write only what changed, so
// a broadcast page never repaints a cell whose text is the same.

export function text(el, value) {
  const v = value ?? '';
  if (el.textContent !== v) el.textContent = v;
}

export function attr(el, name, value) {
  if (value === null || value === undefined || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, String(value));
  }
}

export function make(tag, className, parent) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  parent?.append(el);
  return el;
}

const ROUND = { heat: 'Heat', semifinal: 'Semi-final', final: 'Final', qualification: 'Qualification', repechage: 'Repechage' };

// "Final", "Heat 2", "Semi-final 1": the round as a caption prints it.
export function roundLabel(race) {
  const round = ROUND[race.round] ?? (race.round ? race.round[0].toUpperCase() + race.round.slice(1) : '');
  if (!round) return '';
  return race.heat && race.round !== 'final' ? `${round} ${race.heat}` : round;
}
