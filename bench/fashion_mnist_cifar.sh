# Sourced by the training benchmarks: `fashion_mnist_as_cifar100 DIR` writes Debian's Fashion-MNIST
# (dataset-fashion-mnist) in the CIFAR-100 binary layout, DIR/cifar-100-binary/{train,test}.bin
# (28x28 centred in 32x32 with zeros, the grey value in all 3 channels, bench/idx_to_cifar100.cpp):
# the images the original Python code was measured on.
fashion_mnist_as_cifar100() {
  local fm=/usr/share/datasets/fashion-mnist
  mkdir -p "$1/cifar-100-binary"
  g++ -O2 -o "$1/idx_to_cifar100" bench/idx_to_cifar100.cpp -lz
  "$1/idx_to_cifar100" "$fm/train-images-idx3-ubyte.gz" "$fm/train-labels-idx1-ubyte.gz" \
    "$1/cifar-100-binary/train.bin"
  "$1/idx_to_cifar100" "$fm/t10k-images-idx3-ubyte.gz" "$fm/t10k-labels-idx1-ubyte.gz" \
    "$1/cifar-100-binary/test.bin"
}
