# Messages en français de la ligne de commande et des couches en dessous (erreurs,
# vérification de la configuration, tâches, planificateur, supervision). Chaque clé
# de l'anglais doit exister ici (un test le vérifie).
# { -product } est le nom de la marque, { -cli } son programme en ligne de commande.
# Les clés de configuration, les options de la ligne de commande et le texte des
# autres programmes restent tels quels.

## Erreurs (error.rs)
err-not-initialised = aucun dépôt à { $location }{ $hint }. Lancez `{ -cli } init` (avec les mêmes options de dépôt) pour en créer un.
err-io = { $doing } { $path } : { $cause }
err-engine = { $doing } : { $message }
