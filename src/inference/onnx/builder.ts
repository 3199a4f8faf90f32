/**
 * A small graph builder over proto.ts: named inputs, initializers from typed
 * arrays, and nodes that return their output names, so a model reads like the
 * forward pass it computes. Weights come from a seeded generator, so the same
 * seed always writes the same bytes.
 */
import { DT, encodeModel, type AttrValue, type DataType, type Dim, type Graph, type Tensor } from "./proto";
import { seededRandom } from "../../sys/random";


export class GraphBuilder {
  private readonly graph: Graph;
  private counter = 0;
  private readonly random: () => number;

  constructor(name: string, seed: number) {
    this.graph = { name, nodes: [], initializers: [], inputs: [], outputs: [] };
    this.random = seededRandom(seed);
  }

  input(name: string, type: DataType, shape: Dim[]): string {
    this.graph.inputs.push({ name, type, shape });
    return name;
  }

  output(name: string, type: DataType, shape: Dim[]): void {
    this.graph.outputs.push({ name, type, shape });
  }

  private tensor(name: string, type: DataType, dims: number[], raw: Uint8Array): Tensor {
    return { name, type, dims, raw };
  }

  /** A float initializer with N(0, std²) entries (std 0.2 keeps unit-variance activations at these widths) (Box-Muller), or a constant when `fill` is given. */
  weight(name: string, dims: number[], std = 0.2, fill?: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (fill !== undefined) data[i] = fill;
      else {
        const u = 1 - this.random();
        const v = this.random();
        data[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      }
    }
    this.graph.initializers.push(this.tensor(name, DT.FLOAT, dims, new Uint8Array(data.buffer)));
    return name;
  }

  floats(values: number[], dims: number[] = [values.length]): string {
    const name = `const_${this.counter++}`;
    this.graph.initializers.push(this.tensor(name, DT.FLOAT, dims, new Uint8Array(Float32Array.from(values).buffer)));
    return name;
  }

  /** An int64 constant; `dims` [] makes a scalar. */
  ints(values: number[], dims: number[] = [values.length]): string {
    const name = `const_${this.counter++}`;
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.graph.initializers.push(this.tensor(name, DT.INT64, dims, new Uint8Array(data.buffer)));
    return name;
  }

  /** Adds a node and returns its output names (fresh ones unless `outputs` names them). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[] | number): string[] {
    const id = this.counter++;
    const outs = Array.isArray(outputs) ? outputs : Array.from({ length: outputs ?? 1 }, (_, i) => `${op.toLowerCase()}_${id}_${i}`);
    this.graph.nodes.push({ op, inputs, outputs: outs, name: `${op}_${id}`, attrs });
    return outs;
  }

  /** Single-output node. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? [output] : 1)[0]!;
  }

  linear(x: string, w: string, b?: string): string {
    const y = this.op("MatMul", [x, w]);
    return b ? this.op("Add", [y, b]) : y;
  }

  layerNorm(x: string, prefix: string, width: number): string {
    return this.op("LayerNormalization", [x, this.weight(`${prefix}.weight`, [width], 0, 1), this.weight(`${prefix}.bias`, [width], 0, 0)], {
      axis: -1,
      epsilon: { float: 1e-5 },
    });
  }

  encode(opset = 17): Uint8Array {
    return encodeModel(this.graph, opset);
  }
}

export { DT };
