"""Profile batch settlement with pyinstrument (or cProfile totals by file).

    uv run python benchmarks/profile_batch.py [--n 5000] [--profile inpatient-one]
        [--by-file] [--pluggy]

``--pluggy`` makes the engine dispatch every hook through pluggy itself (what the
engine did before settlement plans), to see what the plugin model costs.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats

from _common import dataset
from yibao import engine
from yibao.batch import batch, plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--profile", default="inpatient-one")
    parser.add_argument("--by-file", action="store_true", help="cProfile self time by file")
    parser.add_argument("--pluggy", action="store_true", help="dispatch through pluggy")
    args = parser.parse_args()
    if args.pluggy:
        engine.relay = plan.relay = lambda pm: pm.hook  # type: ignore[assignment]
    data = dataset(args.profile, args.n).read_bytes()
    config = batch.Config(regions=("changzhou",))
    batch.process_block(data[:20000], 1, config)  # build the stacks first
    if args.by_file:
        profiler = cProfile.Profile()
        profiler.runcall(batch.process_block, data, 1, config)
        stats = pstats.Stats(profiler)
        by_file: collections.Counter[str] = collections.Counter()
        for (path, _, _), (_, _, self_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
            by_file[path.split("/src/")[-1]] += self_time
        total = sum(by_file.values())
        for path, seconds in by_file.most_common(20):
            print(f"{seconds / total * 100:5.1f}%  {path}")
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    batch.process_block(data, 1, config)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
