# L'aide de la ligne de commande (`--help`) en français. L'anglais est dans les
# commentaires de documentation de clap (src/cli) ; ici, chaque commande et chaque
# argument qui a une aide a la sienne, sous une clé dérivée de son chemin :
#   help-root, help-backup, help-key-add            (la description d'une commande)
#   help-backup-long                               (sa description longue, si elle en a une)
#   help-backup-arg-tag, help-root-arg-config      (l'aide d'un argument ; -long pour la longue)
#   help-restore-arg-overwrite-value-never         (l'aide d'une valeur possible)
#   help-root-after                                (le texte après l'aide)
# Les clés help-clap-* sont les textes de clap lui-même. Un test refuse une commande
# ou un argument sans texte ici, et un texte qui ne nomme plus rien.

