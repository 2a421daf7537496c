/**
 * Boundaries under a map (create_chart's `outlines`: GeoJSON geometries from the workspace's
 * own data, e.g. its districts under its facilities). They are drawn as a first layer of grey
 * outlines sharing the map's projection, so that the projection is fitted to the boundaries
 * and the marks together, and the marks are drawn over them. Nothing is fetched: a map whose
 * data has no boundaries has no outlines.
 */

/** The dataset the outline layer reads (the chart's rows are `table`). */
export const OUTLINES_DATA = "outlines";

const OUTLINE_LAYER = {
  data: { name: OUTLINES_DATA },
  mark: { type: "geoshape", filled: false, stroke: "#9ca3af", strokeWidth: 0.75 },
};

/** The geometries as the features the outline layer draws. */
export function outlineFeatures(outlines: unknown[]): Record<string, unknown>[] {
  return outlines
    .filter((geometry) => geometry !== null && typeof geometry === "object")
    .map((geometry) => ({ type: "Feature", geometry, properties: {} }));
}

/** `spec` with the outlines layered under its marks; unchanged if it is not one view or one
 * layered view (a faceted or concatenated chart keeps its own layout). */
export function withOutlines(spec: Record<string, unknown>): Record<string, unknown> {
  if (["facet", "repeat", "concat", "hconcat", "vconcat"].some((key) => key in spec)) return spec;
  const { mark, encoding, transform, layer, ...rest } = spec;
  // the spec's own encoding and transforms stay with its marks: the outlines have none of its fields
  const own = { ...(encoding ? { encoding } : {}), ...(transform ? { transform } : {}) };
  const view = Array.isArray(layer) ? { ...own, layer } : { mark, ...own };
  return { ...rest, layer: [OUTLINE_LAYER, view] };
}
