// Loads a TorchScript model written by gnas (final_model.pt) and runs it on one batch: the check
// that a model file is whole and usable (bench/pipeline_kill.sh).
// usage: load_model MODEL CHANNELS SIZE CLASSES
#include <torch/script.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: load_model MODEL CHANNELS SIZE CLASSES\n");
    return 2;
  }
  try {
    torch::jit::Module model = torch::jit::load(argv[1]);
    model.eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor x =
        torch::ones({2, std::stoi(argv[2]), std::stoi(argv[3]), std::stoi(argv[3])});
    const torch::Tensor y = model.forward({x}).toTensor();
    if (y.dim() != 2 || y.size(0) != 2 || y.size(1) != std::stoi(argv[4]) ||
        !y.isfinite().all().item<bool>()) {
      std::fprintf(stderr, "%s: output of shape [%s] or not finite\n", argv[1],
                   std::to_string(y.dim()).c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: does not load: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
