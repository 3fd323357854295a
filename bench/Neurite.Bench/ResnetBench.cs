using Neurite.Nn;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `resnet`: CIFAR-style ResNet-20 (He et al. 2016, §4.2) on random 3×32×32 input, batch 64,
/// SGD momentum 0.9 lr 0.01: training images/s at 1 and 2 threads. Built inline from the layers; the model
/// zoo will own the real one. Options: --threads 1,2  --reps R  --steps S.
/// </summary>
/// <remarks>conv 3×3 (3→16)-BN-ReLU, then 3 stages of 3 basic blocks with 16, 32, 64 channels (the first block of
/// stages 2 and 3 halves the map with stride 2 and projects the shortcut with a 1×1 convolution + BN, option B),
/// global average pool, linear 64 → 10. 0.27 M parameters.</remarks>
internal static class ResnetBench
{
    public static int Run(string[] args)
    {
        CnnTraining.Run("resnet", Build, [3, 32, 32], batch: 64, inferBatch: 256, CnnTraining.Parse(args, stepsPerRep: 3, inference: true));
        return 0;
    }

    internal static Module Build() => new ResNet20(new Generator(1));

    sealed class ResNet20 : Module
    {
        readonly Sequential body;

        public ResNet20(Generator g)
        {
            body = RegisterModule("body", new Sequential(new Conv2d(3, 16, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(16), new ReLU()));
            int c = 16;
            foreach (int width in new[] { 16, 32, 64 })
                for (int b = 0; b < 3; b++)
                {
                    int stride = b == 0 && width != 16 ? 2 : 1;
                    body.Add(new BasicBlock(c, width, stride, g));
                    c = width;
                }
            body.Add(new GlobalAvgPool2d());
            body.Add(new Linear(64, 10, generator: g));
        }

        public override Tensor Forward(Tensor x) => body.Forward(x);
    }

    /// <summary>relu(bn(conv(relu(bn(conv(x))))) + shortcut(x)).</summary>
    sealed class BasicBlock : Module
    {
        readonly Conv2d conv1, conv2;
        readonly BatchNorm2d bn1, bn2;
        readonly Conv2d? project;
        readonly BatchNorm2d? projectBn;

        public BasicBlock(int inC, int outC, int stride, Generator g)
        {
            conv1 = RegisterModule("conv1", new Conv2d(inC, outC, 3, stride, 1, bias: false, generator: g));
            bn1 = RegisterModule("bn1", new BatchNorm2d(outC));
            conv2 = RegisterModule("conv2", new Conv2d(outC, outC, 3, 1, 1, bias: false, generator: g));
            bn2 = RegisterModule("bn2", new BatchNorm2d(outC));
            if (stride != 1 || inC != outC)
            {
                project = RegisterModule("project", new Conv2d(inC, outC, 1, stride, bias: false, generator: g));
                projectBn = RegisterModule("project_bn", new BatchNorm2d(outC));
            }
        }

        public override Tensor Forward(Tensor x)
        {
            var h = bn1.Forward(conv1.Forward(x)).Relu();
            h = bn2.Forward(conv2.Forward(h));
            var shortcut = project is null ? x : projectBn!.Forward(project.Forward(x));
            return h.Add(shortcut).Relu();
        }
    }
}
