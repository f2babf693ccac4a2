#!/usr/bin/env bash
# Restores the ImageNet ResNet-18 from NuGet (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0, MIT) into the
# NuGet cache and prints the path of its ONNX file. Used by tools/train/resnet18.py; nothing is copied here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet restore "$here/Pretrained.csproj" --nologo >&2
dir=$(dotnet msbuild "$here/Pretrained.csproj" -t:PrintResNet18Path -nologo | sed -n 's/^ *RESNET18_DIR=//p' | tail -n 1)
file="$dir/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx"
if [ ! -f "$file" ]; then
  echo "ResNet-18 ONNX not found after restore (looked for $file)" >&2
  exit 1
fi
echo "$file"
