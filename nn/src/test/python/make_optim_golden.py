"""Golden trajectories of PyTorch's optimisers and schedulers for simdgrad's OptimGoldenTest.

A 4-3-2 tanh MLP, MSE on fixed data, 50 steps from the same initial weights, in float64 and
float32, with PyTorch's single-tensor for-loop implementations (foreach=False). Run with the
project's PyTorch 2.13 venv from the repository root:

    /tmp/peers12/bin/python nn/src/test/python/make_optim_golden.py

Writes nn/src/test/resources/io/simdgrad/optim/: init_*.npy (float64 data and weights) and
traj_<case>_<dtype>.npy, shape [51, P + 1]: row t holds the parameters after t steps flattened in
state-dict order (weights row-major) and, last, group 0's learning rate.
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io", "simdgrad", "optim")
STEPS = 50

g = torch.Generator().manual_seed(1234)
init = {
    "x": torch.randn(8, 4, generator=g, dtype=torch.float64),
    "y": torch.randn(8, 2, generator=g, dtype=torch.float64),
    "w1": torch.randn(3, 4, generator=g, dtype=torch.float64) * 0.5,
    "b1": torch.randn(3, generator=g, dtype=torch.float64) * 0.1,
    "w2": torch.randn(2, 3, generator=g, dtype=torch.float64) * 0.5,
    "b2": torch.randn(2, generator=g, dtype=torch.float64) * 0.1,
}

O = torch.optim
S = torch.optim.lr_scheduler

# name -> (optimizer factory over (group0 params, group1 params), scheduler factory or None, extra)
CASES = {
    "sgd": (lambda a, b: O.SGD(a + b, lr=0.1, foreach=False), None, None),
    "sgd_momentum": (lambda a, b: O.SGD(a + b, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01, foreach=False), None, None),
    "sgd_nesterov": (lambda a, b: O.SGD(a + b, lr=0.05, momentum=0.9, nesterov=True, foreach=False), None, None),
    "sgd_maximize": (lambda a, b: O.SGD(a + b, lr=0.01, momentum=0.5, maximize=True, foreach=False), None, None),
    "sgd_groups": (lambda a, b: O.SGD([{"params": a, "lr": 0.1}, {"params": b}], lr=0.01, momentum=0.9, foreach=False),
                   lambda o: S.StepLR(o, step_size=5, gamma=0.5), None),
    "sgd_clipnorm": (lambda a, b: O.SGD(a + b, lr=0.2, foreach=False), None, "clipnorm"),
    "sgd_clipvalue": (lambda a, b: O.SGD(a + b, lr=0.2, foreach=False), None, "clipvalue"),
    "adam": (lambda a, b: O.Adam(a + b, lr=0.01, foreach=False), None, None),
    "adam_amsgrad_wd": (lambda a, b: O.Adam(a + b, lr=0.01, weight_decay=0.01, amsgrad=True, foreach=False), None, None),
    "adam_maximize": (lambda a, b: O.Adam(a + b, lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True, foreach=False), None, None),
    "adamw": (lambda a, b: O.AdamW(a + b, lr=0.01, weight_decay=0.1, foreach=False), None, None),
    "rmsprop": (lambda a, b: O.RMSprop(a + b, lr=0.01, foreach=False), None, None),
    "rmsprop_centered_momentum": (lambda a, b: O.RMSprop(a + b, lr=0.01, centered=True, momentum=0.9, weight_decay=0.01, foreach=False), None, None),
    "adagrad": (lambda a, b: O.Adagrad(a + b, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1, foreach=False), None, None),
    "steplr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.StepLR(o, step_size=7, gamma=0.5), None),
    "multisteplr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.5), None),
    "exponentiallr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.ExponentialLR(o, gamma=0.95), None),
    "cosine": (lambda a, b: O.Adam(a + b, lr=0.02, foreach=False), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), None),
    "linearlr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8), None),
    "lambdalr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.LambdaLR(o, lambda k: 1.0 / (1.0 + 0.1 * k)), None),
    "onecycle": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=50, cycle_momentum=False), None),
    "warmrestarts": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, eta_min=0.001), None),
    "plateau": (lambda a, b: O.SGD(a + b, lr=0.3, foreach=False), lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=0.05), "plateau"),
    "warmrestarts_tmult": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False),
                           lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), None),
    "onecycle_momentum": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False), lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=50), None),
    "onecycle_adam_linear_3phase": (lambda a, b: O.Adam(a + b, lr=0.01, foreach=False),
                                    lambda o: S.OneCycleLR(o, max_lr=0.02, total_steps=50, anneal_strategy="linear", three_phase=True,
                                                           base_momentum=0.8, max_momentum=0.9), None),
    "sequentiallr": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False),
                     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ExponentialLR(o, gamma=0.9),
                                                  S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)], milestones=[5, 20]), None),
    "sequentiallr_onecycle": (lambda a, b: O.Adam(a + b, lr=0.01, foreach=False),
                              lambda o: S.SequentialLR(o, [S.OneCycleLR(o, max_lr=0.02, total_steps=10),
                                                           S.StepLR(o, step_size=3, gamma=0.5)], milestones=[10]), None),
    "sequentiallr_warmrestarts": (lambda a, b: O.SGD(a + b, lr=0.1, momentum=0.9, foreach=False),
                                  lambda o: S.SequentialLR(o, [S.ExponentialLR(o, gamma=0.5), S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2),
                                                               S.MultiStepLR(o, milestones=[3, 6], gamma=0.5)], milestones=[0, 30]), None),
    # L-BFGS takes a closure and runs several iterations per step: fewer steps (the name's third part)
    "lbfgs": (lambda a, b: O.LBFGS(a + b, lr=1, max_iter=5, history_size=3), None, "lbfgs"),
    "lbfgs_wolfe": (lambda a, b: O.LBFGS(a + b, lr=1, max_iter=5, history_size=4, line_search_fn="strong_wolfe"), None, "lbfgs"),
}
LBFGS_STEPS = 8


def run(name, dtype):
    make_opt, make_sched, extra = CASES[name]
    x, y = init["x"].to(dtype), init["y"].to(dtype)
    ps = [init[k].to(dtype).clone().requires_grad_(True) for k in ("w1", "b1", "w2", "b2")]
    opt = make_opt(ps[:2], ps[2:])
    sched = make_sched(opt) if make_sched else None
    rows = []

    def record():
        flat = torch.cat([p.detach().reshape(-1).to(torch.float64) for p in ps])
        rows.append(torch.cat([flat, torch.tensor([float(opt.param_groups[0]["lr"])], dtype=torch.float64)]))

    def closure():
        h = torch.tanh(x @ ps[0].t() + ps[1])
        out = h @ ps[2].t() + ps[3]
        loss = ((out - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        return loss

    record()
    for _ in range(LBFGS_STEPS if extra == "lbfgs" else STEPS):
        if extra == "lbfgs":
            opt.step(closure)
            record()
            continue
        loss = closure()
        if extra == "clipnorm":
            torch.nn.utils.clip_grad_norm_(ps, 0.5, foreach=False)
        if extra == "clipvalue":
            torch.nn.utils.clip_grad_value_(ps, 0.05, foreach=False)
        opt.step()
        if sched is not None:
            if extra == "plateau":
                sched.step(loss)
            else:
                sched.step()
        record()
    return torch.stack(rows).numpy()


def main():
    os.makedirs(OUT, exist_ok=True)
    for k, v in init.items():
        np.save(os.path.join(OUT, f"init_{k}.npy"), v.numpy())
    for name in CASES:
        for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
            np.save(os.path.join(OUT, f"traj_{name}_{tag}.npy"), run(name, dt))
    print("wrote", len(CASES) * 2, "trajectories to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
