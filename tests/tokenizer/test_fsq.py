import torch

from tokenizer.fsq import FSQ


def test_codes_index_every_level_combination_once():
    fsq = FSQ([8, 5, 5, 5])
    assert fsq.codebook_size == 1000
    latents = fsq.codes_to_latents(torch.arange(1000))
    assert latents.abs().max() <= 1
    assert len({tuple(row) for row in latents.tolist()}) == 1000


def test_quantized_latents_match_their_codes():
    fsq = FSQ([8, 6, 5])
    z = torch.randn(64, 7, 3) * 3
    quantized, codes = fsq(z)
    assert codes.min() >= 0 and codes.max() < fsq.codebook_size
    torch.testing.assert_close(fsq.codes_to_latents(codes), quantized)


def test_straight_through_gradient_flows():
    fsq = FSQ([8, 5, 5, 5])
    z = torch.randn(4, 4, requires_grad=True)
    quantized, _ = fsq(z)
    quantized.sum().backward()
    assert z.grad is not None and z.grad.abs().sum() > 0
