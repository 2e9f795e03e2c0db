#!/usr/bin/env python3
"""Writes core/src/test/resources/fixtures/index_fixtures.txt and index_errors.txt: PyTorch's
values, gradients and second derivatives of the indexing ops, the norms and the losses (float64),
and PyTorch's error texts for bad indices and arguments.

Run with PyTorch 2.13: /tmp/peers12/bin/python core/src/test/python/make_index_fixtures.py
The Java tests (IndexFixturesTest, IndexOpsTest) parse the files; they never need Python.

index_fixtures.txt has the format of grad_fixtures.txt (see make_grad_fixtures.py); index
tensors and masks are written as float64 constants and converted by the Java function.
index_errors.txt has one line per case: <name> TAB <the first line of PyTorch's message>.
"""
import os

import torch
import torch.nn.functional as F

from fixture_records import record

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "index_fixtures.txt")
ERRORS = os.path.join(HERE, "..", "resources", "fixtures", "index_errors.txt")

gen = torch.Generator().manual_seed(20261202)
D = torch.float64
records = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=D)


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=D)


def idx(*rows):
    return torch.tensor(rows, dtype=D)


def case(name, fn, inputs, consts=(), second=True):
    """inputs: tensors that require grad; consts: non-differentiable tensors passed after them."""
    records.append(record(name, fn, inputs, consts, second, randn, D))


L = lambda t: t.long()

# ---- indexing (repeated indices on purpose)
case("gather", lambda x, i: x.gather(1, L(i)), [randn(3, 4)], [idx([0, 3, 3], [1, 1, 0], [2, 0, 3])])
case("scatter_add", lambda x, s, i: x.scatter_add(1, L(i), s), [randn(3, 4), randn(2, 3)], [idx([0, 0, 3], [1, 1, 1])])
case("scatter", lambda x, s, i: x.scatter(1, L(i), s), [randn(2, 4), randn(2, 2)], [idx([3, 0], [1, 2])])
case("index_select", lambda x, i: x.index_select(0, L(i)), [randn(4, 3)], [idx(3, 0, 3)])
case("index_add", lambda x, s, i: x.index_add(1, L(i), s), [randn(2, 4), randn(2, 3)], [idx(1, 1, 3)])
case("embedding_padding", lambda w, i: F.embedding(L(i), w, padding_idx=1), [randn(4, 3)], [idx([1, 2], [0, 1], [3, 3])])
case("masked_fill", lambda x, m: x.masked_fill(m.bool(), -0.5), [randn(2, 3)], [idx(1, 0, 1)])
ties = torch.tensor([[1.0, 2.0, 0.5, 2.0], [0.25, 3.0, 3.0, -1.0]], dtype=D)
for red in ("sum", "mean", "amax", "amin"):
    for inc in (True, False):
        # amax/amin with ties between self and src and within src: PyTorch shares the gradient evenly
        case("scatter_reduce_%s_%s" % (red, "self" if inc else "noself"),
             lambda x, s, i, red=red, inc=inc: x.scatter_reduce(1, L(i), s, red, include_self=inc),
             [torch.tensor([[2.0, 0.0, 1.0], [3.0, -1.0, 3.0]], dtype=D), ties], [idx([1, 1, 0, 1], [1, 2, 2, 0])],
             second=red in ("sum", "mean"))
case("index_copy", lambda x, s, i: x.index_copy(1, L(i), s), [randn(2, 4), randn(2, 2)], [idx(3, 0)])
case("take_along_dim_negative", lambda x, i: torch.take_along_dim(x, L(i), 1), [randn(2, 3)], [idx([0, -1], [-3, 2])])
case("masked_scatter", lambda x, s, m: x.masked_scatter(m.bool(), s), [randn(2, 3), randn(5)], [idx(1, 0, 1)])
case("masked_select", lambda x, m: x.masked_select(m.bool()), [randn(2, 3)], [idx([1, 0, 1], [0, 0, 1])])

# ---- normalisation
case("layer_norm", lambda x, w, b: F.layer_norm(x, (2, 3), w, b, 1e-5), [randn(4, 2, 3), randn(2, 3), randn(2, 3)])
case("rms_norm", lambda x, w: F.rms_norm(x, (4,), w, 1e-6), [randn(3, 4), randn(4)])
case("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b, 1e-5), [randn(2, 4, 3), randn(4), randn(4)])
case("batch_norm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, True, 0.1, 1e-5), [randn(4, 3, 2), randn(3), randn(3)])
rm0, rv0 = randn(3), uniform(0.5, 2, 3)


def running(x, rm, rv):
    rm, rv = rm.clone(), rv.clone()
    F.batch_norm(x, rm, rv, None, None, True, 0.2, 1e-5)
    return torch.cat([rm, rv]) + 0 * x.sum()


case("batch_norm_running_stats", running, [randn(5, 3)], [rm0, rv0], second=False)
case("batch_norm_eval", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-5), [randn(4, 3), randn(3), randn(3)], [rm0, rv0])

# ---- losses
t5 = idx(0, 2, 3, 1, 2)
w4 = uniform(0.5, 2, 4)
for red in ("mean", "sum", "none"):
    case("cross_entropy_weight_ignore_smoothing_" + red,
         lambda x, t, w, red=red: F.cross_entropy(x, L(t), weight=w, ignore_index=2, label_smoothing=0.1, reduction=red),
         [randn(5, 4)], [t5, w4])
case("cross_entropy_nd_weight", lambda x, t, w: F.cross_entropy(x, L(t), weight=w), [randn(2, 3, 2)], [idx([0, 2], [1, 1]), uniform(0.5, 2, 3)])
case("cross_entropy_smoothing_no_weight", lambda x, t: F.cross_entropy(x, L(t), label_smoothing=0.25), [randn(4, 3)], [idx(0, 2, 1, 1)])
case("cross_entropy_probabilities", lambda x, p, w: F.cross_entropy(x, p, weight=w, label_smoothing=0.2),
     [randn(3, 4)], [torch.softmax(randn(3, 4), 1), w4])
case("nll_loss_weight_sum", lambda x, t, w: F.nll_loss(x, L(t), weight=w, reduction="sum"), [randn(5, 4)], [t5, w4])
case("binary_cross_entropy", lambda x, t, w: F.binary_cross_entropy(x, t, weight=w), [uniform(0.1, 0.9, 3, 2)], [uniform(0, 1, 3, 2), uniform(0.5, 2, 2)])
case("bce_with_logits_pos_weight", lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction="sum"),
     [randn(3, 4)], [uniform(0, 1, 3, 4), uniform(0.5, 2, 3, 1), uniform(0.5, 2, 4)])
case("bce_with_logits", lambda x, t: F.binary_cross_entropy_with_logits(x, t), [randn(5) * 3], [uniform(0, 1, 5)])
case("huber_loss", lambda x, t: F.huber_loss(x, t, delta=0.8), [randn(6)], [randn(6)])
case("smooth_l1_loss", lambda x, t: F.smooth_l1_loss(x, t, reduction="sum", beta=0.5), [randn(6)], [randn(6)])
case("l1_loss", lambda x, t: F.l1_loss(x, t, reduction="none"), [randn(2, 3)], [randn(2, 3)], second=False)
kl_t = torch.softmax(randn(3, 4), 1)
kl_t[0, 1] = 0
case("kl_div_batchmean", lambda x, t: F.kl_div(x, t, reduction="batchmean"), [torch.log_softmax(randn(3, 4), 1)], [kl_t])
case("kl_div_log_target", lambda x, t: F.kl_div(x, t, reduction="mean", log_target=True), [torch.log_softmax(randn(3, 4), 1)],
     [torch.log_softmax(randn(3, 4), 1)])
case("cosine_similarity", lambda a, b: F.cosine_similarity(a, b, dim=1), [randn(3, 4), randn(1, 4)])
case("margin_ranking_loss", lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3), [randn(5), randn(5)], [idx(1, -1, 1, 1, -1)])
# targets 1, -1 and 0 (which PyTorch's where-masks give zero loss); a margin that some negative pairs exceed and some do not
for red in ("none", "mean", "sum"):
    case("cosine_embedding_loss_" + red, lambda a, b, y, red=red: F.cosine_embedding_loss(a, b, y, margin=-0.2, reduction=red),
         [randn(6, 4), randn(6, 4)], [idx(1, -1, 1, -1, 0, -1)])
case("cosine_embedding_loss_unbatched", lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.1), [randn(5), randn(5)], [torch.tensor(-1.0, dtype=D)])

# scatter_reduce prod: zeros in self and in src (a place with one src zero, one with two, a zero self
# with hits); PyTorch refuses double backward with two zeros in a group, so first order only there
prod_self = torch.tensor([[2.0, 0.0, 1.0, 0.5], [3.0, -1.0, 0.0, 2.0]], dtype=D)
prod_src = torch.tensor([[0.0, 1.5, 2.0, 0.0, -0.5], [0.5, 2.0, 0.0, 0.0, 1.25]], dtype=D)
prod_idx = idx([1, 1, 0, 1, 2], [1, 2, 2, 0, 3])
for inc in (True, False):
    case("scatter_reduce_prod_zeros_%s" % ("self" if inc else "noself"),
         lambda x, s, i, inc=inc: x.scatter_reduce(1, L(i), s, "prod", include_self=inc), [prod_self, prod_src], [prod_idx], second=False)
    case("scatter_reduce_prod_%s" % ("self" if inc else "noself"),
         lambda x, s, i, inc=inc: x.scatter_reduce(1, L(i), s, "prod", include_self=inc),
         [uniform(0.5, 2, 2, 4), uniform(-2, -0.5, 2, 6)], [idx([1, 1, 0, 1, 2, 1], [3, 2, 2, 0, 3, 3])])

with open(OUT, "w") as f:
    f.write("# PyTorch %s, written by core/src/test/python/make_index_fixtures.py\n\n" % torch.__version__)
    f.write("\n\n".join(records) + "\n")

# ---- error texts
x = torch.arange(6.).reshape(2, 3)
errors = {
    "gather_negative": lambda: x.gather(1, torch.tensor([[0, -1]])),
    "gather_too_large": lambda: x.gather(1, torch.tensor([[0, 3]])),
    "gather_rank": lambda: x.gather(1, torch.tensor([0, 1])),
    "scatter_add_too_large": lambda: torch.zeros(2, 3).scatter_add(1, torch.tensor([[0, 3]]), torch.ones(1, 2)),
    "scatter_add_index_shape": lambda: torch.zeros(2, 3).scatter_add(1, torch.tensor([[0, 1, 2, 0]]), torch.ones(1, 2)),
    "scatter_too_large": lambda: torch.zeros(2, 3).scatter(1, torch.tensor([[0, 3]]), torch.ones(1, 2)),
    "index_select_matrix": lambda: x.index_select(1, torch.tensor([[0, 1]])),
    "index_add_count": lambda: x.index_add(1, torch.tensor([0, 1]), torch.ones(2, 3)),
    "index_add_too_large": lambda: x.index_add(1, torch.tensor([0, 3]), torch.ones(2, 2)),
    "embedding_padding": lambda: F.embedding(torch.tensor([0, 1]), torch.ones(3, 2), padding_idx=5),
    "one_hot_too_large": lambda: F.one_hot(torch.tensor([0, 3]), 3),
    "one_hot_negative": lambda: F.one_hot(torch.tensor([0, -1]), 3),
    "masked_fill_shape": lambda: x.masked_fill(torch.tensor([True, False]), 1.0),
    "dropout_p": lambda: F.dropout(x, p=1.5),
    "randint_range": lambda: torch.randint(5, 3, (2,)),
    "randperm_negative": lambda: torch.randperm(-1),
    "layer_norm_shape": lambda: F.layer_norm(x, (2,)),
    "group_norm_groups": lambda: F.group_norm(torch.ones(2, 4, 3), 3),
    "batch_norm_running": lambda: F.batch_norm(torch.ones(2, 4, 3), torch.zeros(3), torch.ones(3), training=True),
    "batch_norm_one_value": lambda: F.batch_norm(torch.ones(1, 4), torch.zeros(4), torch.ones(4), training=True),
    "cross_entropy_weight": lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), weight=torch.ones(2)),
    "cosine_embedding_loss_rank": lambda: F.cosine_embedding_loss(torch.ones(3, 4, 2), torch.ones(3, 4, 2), torch.ones(3)),
    "cross_entropy_smoothing": lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), label_smoothing=1.5),
    "bce_input_above_one": lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0])),
    "bce_input_negative": lambda: F.binary_cross_entropy(torch.tensor([-0.1, 0.5]), torch.tensor([1.0, 0.0])),
    "bce_input_nan": lambda: F.binary_cross_entropy(torch.tensor([float("nan"), 0.5]), torch.tensor([1.0, 0.0])),
    "multinomial_rank": lambda: torch.multinomial(torch.ones(2, 2, 2), 1),
    "multinomial_no_samples": lambda: torch.multinomial(torch.ones(3), 0),
    "multinomial_too_many": lambda: torch.multinomial(torch.ones(3), 4),
    "multinomial_negative": lambda: torch.multinomial(torch.tensor([0.1, -1.0]), 1),
    "multinomial_nan": lambda: torch.multinomial(torch.tensor([0.1, float("nan")]), 1),
    "multinomial_inf": lambda: torch.multinomial(torch.tensor([1.0, float("inf")]), 1),
    "multinomial_zero_sum": lambda: torch.multinomial(torch.zeros(2, 3), 1, True),
    "multinomial_int64": lambda: torch.multinomial(torch.tensor([1, 2]), 1),
    "bce_target_above_one": lambda: F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.5])),
}
lines = []
for name, fn in errors.items():
    try:
        fn()
        raise SystemExit("no error for " + name)
    except (RuntimeError, IndexError, ValueError, AssertionError) as e:
        lines.append(name + "\t" + str(e).splitlines()[0])
with open(ERRORS, "w") as f:
    f.write("# PyTorch %s error texts, written by core/src/test/python/make_index_fixtures.py\n" % torch.__version__)
    f.write("\n".join(lines) + "\n")
print("wrote %d cases and %d error texts" % (len(records), len(lines)))
