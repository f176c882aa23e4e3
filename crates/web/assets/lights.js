// The five lights (DESIGN.md §2), each told by colour, by shape and by words, so that
// nobody needs to tell red from green to read the board.
import { t } from "./i18n.js";

export const LIGHTS = ["green", "yellow", "red", "orange", "pending"];

const SHAPES = { green: "●", yellow: "▲", red: "■", orange: "◆", pending: "○" };

/** A light as a badge: shape, name and, for screen readers and tooltips, its meaning. */
export function badge(light, count) {
  const el = document.createElement("span");
  el.className = `light light-${light}`;
  el.dataset.light = light;
  el.title = `${t(`light_${light}`)}：${t(`light_${light}_meaning`)}`;
  const shape = document.createElement("span");
  shape.className = "shape";
  shape.setAttribute("aria-hidden", "true");
  shape.textContent = SHAPES[light];
  el.append(shape);
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = count === undefined ? t(`light_${light}`) : String(count);
  el.append(text);
  if (count !== undefined) {
    el.setAttribute("aria-label", `${t(`light_${light}`)} ${count}`);
  }
  return el;
}
