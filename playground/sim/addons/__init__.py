"""minikube addons that create cluster objects (registered into programs.minikube.ADDON_HOOKS)."""
