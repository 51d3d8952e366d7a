#!/usr/bin/python3
"""Independent reference for the gradient-combining strategies in losses/, for K tasks.

Written from the papers' general formulations, in double precision, without the two-task
closed forms that losses/*.cc use:
  MGDA      min over the simplex of ||G w||^2 (Sener and Koltun 2018), the task gradients first
            divided by the authors' gradient_normalizers; the weights then multiply the raw
            gradients, as in the authors' code.
  CAGrad    min over the simplex of w^T G^T g0 + c ||g0|| ||G w|| (Liu et al. 2021), then
            d = (g0 + c ||g0|| G w / ||G w||) / (1 + c^2).
  Nash-MTL  alpha > 0 with M alpha = 1 / alpha, M = G^T G / ||G^T G||_F (Navon et al. 2022; the
            normalisation is the authors' code's); d = G alpha.
  IMTL-G    alpha_{2..K} = g_1 U^T (D U^T)^-1, alpha_1 = 1 - sum, D and U the differences
            g_1 - g_i and u_1 - u_i of the gradients and the unit gradients (Liu et al. 2021).
  RLW       softmax of two standard normal draws, the draws from MT19937-64 and Box-Muller as
            losses/rlw.cc documents them, implemented here from the generator's definition.
The simplex problems are solved by bisection on the sign of the objective's derivative (taken by
autograd) along the simplex's edge, a generic method for any convex differentiable objective,
to |t - t*| <= 1e-14; Nash-MTL's system by damped Newton steps on the strictly convex
f(alpha) = alpha^T M alpha / 2 - sum log alpha_i until ||M alpha - 1/alpha|| <= 1e-13.
"""
import math

import torch

torch.set_default_dtype(torch.float64)

BISECTION_TOLERANCE = 1e-14
NEWTON_TOLERANCE = 1e-13


def simplex_edge_minimum(objective, steps=200):
    """argmin over t in [0, 1] of a convex objective(t) (a torch scalar function), by bisection on
    the sign of its derivative."""
    def slope(t):
        x = torch.tensor(t, requires_grad=True)
        (g,) = torch.autograd.grad(objective(x), x)
        return g.item()

    if slope(0.0) >= 0.0:
        return 0.0
    if slope(1.0) <= 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(steps):
        if hi - lo <= BISECTION_TOLERANCE:
            break
        mid = (lo + hi) / 2
        if slope(mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def mgda_normalizers(grads, losses, normalization):
    """The authors' gradient_normalizers; a divisor not finite and > 0 is 1 (losses/mgda.h)."""
    out = []
    for g, loss in zip(grads, losses):
        n = {"none": 1.0, "l2": g.norm().item(), "loss": loss,
             "loss+": loss * g.norm().item()}[normalization]
        out.append(n if (n > 0 and math.isfinite(n)) else 1.0)
    return out


def mgda(g1, g2, losses, normalization):
    n = mgda_normalizers([g1, g2], losses, normalization)
    h1, h2 = g1 / n[0], g2 / n[1]
    if torch.equal(h1, h2):
        t = 0.5  # every point of the hull is the same
    else:
        t = simplex_edge_minimum(lambda t: (t * h1 + (1 - t) * h2).pow(2).sum())
    return [t, 1 - t], t * g1 + (1 - t) * g2


def cagrad(g1, g2, c):
    g0 = (g1 + g2) / 2
    radius = c * g0.norm()

    def objective(t):
        gw = t * g1 + (1 - t) * g2
        # The norm's derivative is undefined at G w = 0; 1e-300 only keeps autograd finite.
        return gw.dot(g0) + radius * torch.sqrt(gw.pow(2).sum() + 1e-300)

    t = 0.5 if torch.equal(g1, g2) else simplex_edge_minimum(objective)
    gw = t * g1 + (1 - t) * g2
    if radius.item() > 0 and gw.norm().item() > 0:
        d = g0 + radius * gw / gw.norm()
    else:
        d = g0
    return t, d / (1 + c * c)


def nash_mtl(grads):
    G = torch.stack(grads, dim=1)
    gtg = G.t() @ G
    m = gtg / torch.linalg.norm(gtg)
    alpha = torch.ones(len(grads))
    for _ in range(200):
        residual = m @ alpha - 1 / alpha
        if residual.norm().item() <= NEWTON_TOLERANCE:
            break
        hessian = m + torch.diag(1 / alpha ** 2)
        step = torch.linalg.solve(hessian, residual)
        scale = 1.0
        while torch.any(alpha - scale * step <= 0):
            scale /= 2
        alpha = alpha - scale * step
    else:
        raise RuntimeError("Nash-MTL: Newton did not converge")
    return alpha.tolist(), G @ alpha


def imtl_g(grads):
    units = [g / g.norm() for g in grads]
    D = torch.stack([grads[0] - g for g in grads[1:]])
    U = torch.stack([units[0] - u for u in units[1:]])
    rest = grads[0] @ U.t() @ torch.linalg.inv(D @ U.t())
    alpha = torch.cat([1 - rest.sum().reshape(1), rest])
    return alpha.tolist(), torch.stack(grads, dim=1) @ alpha


class MT19937_64:
    """The 64-bit Mersenne Twister (std::mt19937_64), from its published definition."""
    W, N, M, R = 64, 312, 156, 31
    A = 0xB5026F5AA96619E9
    U, D = 29, 0x5555555555555555
    S, B = 17, 0x71D67FFFEDA60000
    T, C = 37, 0xFFF7EEE000000000
    L, F = 43, 6364136223846793005
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.mt = [seed & self.MASK]
        for i in range(1, self.N):
            prev = self.mt[-1]
            self.mt.append((self.F * (prev ^ (prev >> (self.W - 2))) + i) & self.MASK)
        self.index = self.N

    def __call__(self):
        if self.index >= self.N:
            lower = (1 << self.R) - 1
            upper = ~lower & self.MASK
            for i in range(self.N):
                x = (self.mt[i] & upper) | (self.mt[(i + 1) % self.N] & lower)
                xa = x >> 1
                if x & 1:
                    xa ^= self.A
                self.mt[i] = self.mt[(i + self.M) % self.N] ^ xa
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> self.U) & self.D
        y ^= (y << self.S) & self.B
        y ^= (y << self.T) & self.C
        y ^= y >> self.L
        return y & self.MASK


def rlw_weights(seed, steps):
    engine = MT19937_64(seed)
    out = []
    for _ in range(steps):
        u1 = (engine() >> 11) * (1.0 / 9007199254740992.0)
        u2 = (engine() >> 11) * (1.0 / 9007199254740992.0)
        radius = math.sqrt(-2.0 * math.log(1.0 - u1))
        eps = torch.tensor([radius * math.cos(2.0 * math.pi * u2),
                            radius * math.sin(2.0 * math.pi * u2)])
        out.append(torch.softmax(eps, dim=0).tolist())
    return out
