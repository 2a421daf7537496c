import { OUTLINES_DATA, outlineFeatures, withOutlines } from "./outlines";

const POINTS = {
  title: "Health facilities",
  projection: { type: "mercator" },
  mark: { type: "circle", size: 40 },
  encoding: {
    longitude: { field: "longitude", type: "quantitative" },
    latitude: { field: "latitude", type: "quantitative" },
    color: { field: "facility_type", type: "nominal" },
  },
};

describe("outlines under a map", () => {
  it("are a first layer, under the marks, sharing the map's projection", () => {
    const layered = withOutlines(POINTS) as any;
    expect(layered.projection).toEqual({ type: "mercator" });
    expect(layered.title).toBe("Health facilities");
    expect(layered.mark).toBeUndefined();
    const [outline, points] = layered.layer;
    expect(outline).toMatchObject({ data: { name: OUTLINES_DATA }, mark: { type: "geoshape", filled: false } });
    // the outlines have none of the points' fields: the encoding stays with the points
    expect(outline.encoding).toBeUndefined();
    expect(points).toEqual({ mark: POINTS.mark, encoding: POINTS.encoding });
  });

  it("go under every layer of a layered map, which keeps its shared encoding", () => {
    const spec = { projection: { type: "mercator" }, encoding: { longitude: { field: "x" } }, layer: [{ mark: "circle" }, { mark: "text" }] };
    const [outline, view] = (withOutlines(spec) as any).layer;
    expect(outline.data).toEqual({ name: OUTLINES_DATA });
    expect(view).toEqual({ encoding: spec.encoding, layer: spec.layer });
  });

  it("leave a faceted or concatenated chart as it is", () => {
    const faceted = { facet: { field: "d" }, spec: POINTS };
    expect(withOutlines(faceted)).toBe(faceted);
  });

  it("are the geometries as features, anything else dropped", () => {
    const square = { type: "Polygon", coordinates: [[[0, 0], [0, 1], [1, 1], [0, 0]]] };
    expect(outlineFeatures([square, null, "text"])).toEqual([{ type: "Feature", geometry: square, properties: {} }]);
  });
});
