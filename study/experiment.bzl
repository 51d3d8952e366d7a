"""One runnable, hermetic target per experiment of a study."""

def nerve_experiment(name, study, row, model, strategy = None):
    """A binary that trains one row of a study, linking only its model and strategy.

    `bazel run //study/experiments:<name>` trains the row's first seed into
    results/experiments/<name> (relative to where bazel is run).

    Args:
      name: target name.
      study: label of the study text proto.
      row: the row's label in the study.
      model: the model library, e.g. "//models:quickfcn".
      strategy: the strategy library, e.g. "//losses:uncertainty"; None for a single-task model.
    """
    deps = ["//study:train_main", model]
    if strategy:
        deps.append(strategy)
    native.cc_binary(
        name = name,
        data = [study],
        args = [
            "--study=$(rootpath %s)" % study,
            "--row='%s'" % row,
            "--out=results/experiments/" + name,
        ],
        deps = deps,
    )
